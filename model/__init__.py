"""The digit reader: the Quickstart MLP, its weights, and the preprocessing that makes drawings look like MNIST.

Nothing in this package imports Gradio, so every part can be used and tested on its own.
"""
