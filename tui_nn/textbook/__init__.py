"""The textbook's text: the notation of parameters and the worked trace of one sample."""
