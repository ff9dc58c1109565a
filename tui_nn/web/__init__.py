"""`tui-nn serve`: the app in browser tabs (access and the token, one app process per tab,
the pages, this server's runs). Beside `ui` in the layers: it starts apps as processes and
never imports the app itself."""
