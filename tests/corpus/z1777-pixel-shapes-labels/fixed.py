# Lab 3: classify tiny 7x7 pixel drawings (cross / box / diagonal) with a small CNN
# data is generated on the fly, adapted from the lecture notebook

import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(1)
torch.manual_seed(1)

GRID = 7
# label ids for the three shapes
shape_to_label = {
    "cross": 0,
    "box": 1,
    "diagonal": 2,
}
NUM_SHAPES = len(shape_to_label)

def draw(shape):
    img = torch.zeros(GRID, GRID)
    off = random.randint(0, 2)
    size = random.randint(3, GRID - off - 1)
    if shape == "cross":
        mid = off + size // 2
        img[mid, off:off + size] = 1.0
        img[off:off + size, mid] = 1.0
    elif shape == "box":
        img[off, off:off + size] = 1.0
        img[off + size - 1, off:off + size] = 1.0
        img[off:off + size, off] = 1.0
        img[off:off + size, off + size - 1] = 1.0
    elif shape == "diagonal":
        for k in range(size):
            img[off + k, off + k] = 1.0
    # a bit of noise so it is not too easy
    img += 0.1 * torch.rand(GRID, GRID)
    return img

def make_set(n_per_shape):
    pics, labs = [], []
    for name, lab in shape_to_label.items():
        for _ in range(n_per_shape):
            pics.append(draw(name))
            labs.append(lab)
    return torch.stack(pics).unsqueeze(1), torch.tensor(labs)

train_x, train_y = make_set(40)
test_x, test_y = make_set(10)
print("train:", train_x.shape, train_y.shape)
print("test:", test_x.shape, test_y.shape)

# show one example of each
for name in shape_to_label:
    print(name)
    for row in draw(name):
        print("".join("#" if v > 0.5 else "." for v in row))

class ShapeNet(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 3 * 3, n_out)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        return self.fc(x)

net = ShapeNet(NUM_SHAPES)
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)

batch_size = 16
n_epochs = 8
for ep in range(n_epochs):
    order = torch.randperm(train_x.size(0))
    running = 0.0
    for b in range(0, train_x.size(0), batch_size):
        sel = order[b:b + batch_size]
        scores = net(train_x[sel])
        loss = loss_fn(scores, train_y[sel])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * sel.numel()
    print("epoch", ep, "loss", round(running / train_x.size(0), 4))

with torch.no_grad():
    guesses = net(test_x).argmax(1)
print("test accuracy:", (guesses == test_y).float().mean().item())

label_to_shape = {v: k for k, v in shape_to_label.items()}
for i in range(5):
    print("true", label_to_shape[test_y[i].item()], "guess", label_to_shape.get(guesses[i].item(), "?"))
