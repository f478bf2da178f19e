"""Leaf-disease classifier: pretrain a small CNN on 6 disease classes, then
re-target it to a 4-class field survey by replacing the classification head."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

DEVICE = "meta"  # stand-in for the accelerator on the build box
IMG_SIZE = 32
SURVEY_CLASSES = ["healthy", "rust", "blight", "mildew"]


class LeafNet(nn.Module):
    def __init__(self, n_classes, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, width * 2, 3, padding=1),
            nn.BatchNorm2d(width * 2),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(width * 2, n_classes)
        self.width = width

    def forward(self, x):
        z = self.features(x).flatten(1)
        return self.head(z)


def build_pretrained(n_classes=6):
    net = LeafNet(n_classes)
    print(f"backbone params: {sum(p.numel() for p in net.features.parameters())}")
    return net


def survey_batch(n=8):
    images = torch.randn(n, 3, IMG_SIZE, IMG_SIZE, device=DEVICE)
    labels = torch.randint(0, len(SURVEY_CLASSES), (n,), device=DEVICE)
    return images, labels


def freeze_backbone(net):
    for p in net.features.parameters():
        p.requires_grad_(False)


model = build_pretrained()
model.to(DEVICE)
freeze_backbone(model)

feat_dim = model.width * 2
model.head = nn.Sequential(
    nn.Dropout(0.2),
    nn.Linear(feat_dim, 64),
    nn.ReLU(),
    nn.Linear(64, len(SURVEY_CLASSES)),
)

trainable = [p for p in model.parameters() if p.requires_grad]
print(f"trainable tensors: {len(trainable)}")
optimizer = torch.optim.AdamW(trainable, lr=1e-3)

model.train()
for step in range(3):
    images, labels = survey_batch()
    logits = model(images)
    loss = F.cross_entropy(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: logits {tuple(logits.shape)} on {logits.device}")

print("head re-targeted to", len(SURVEY_CLASSES), "classes")
