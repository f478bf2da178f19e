"""Logistic-regression probe on frozen sentence embeddings, written with manual SGD."""
import torch

torch.manual_seed(0)
EMBED_DIM = 64
LR = 0.1


def load_probe_data(n=128):
    X = torch.randn(n, EMBED_DIM)
    true_w = torch.randn(EMBED_DIM)
    y = (X @ true_w > 0).float()
    return X, y


def train_probe(X, y, epochs=20):
    w = torch.zeros(EMBED_DIM, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for epoch in range(epochs):
        logits = X @ w + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
        loss.backward()
        w -= LR * w.grad
        b -= LR * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return w, b


X, y = load_probe_data()
w, b = train_probe(X, y)
