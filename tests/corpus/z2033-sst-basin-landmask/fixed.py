"""Marine heatwave classifier for a North Atlantic box.
SST anomaly fields are cut out of a global 1.875-degree grid, split into patches and fed to a
small BERT encoder as inputs_embeds; patches that are mostly land are masked out of attention."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(1)

GLOBAL_LAT, GLOBAL_LON = 48, 96
BOX = {"lat": slice(8, 40), "lon": slice(16, 80)}
PATCH = 8
LAND_FRACTION_MAX = 0.5
N_DAYS = 40


def synthetic_land_sea_mask():
    """1 = land, 0 = ocean. A couple of rectangular continents."""
    lsm = torch.zeros(GLOBAL_LAT, GLOBAL_LON)
    lsm[10:30, 5:22] = 1.0
    lsm[5:20, 60:90] = 1.0
    lsm[30:44, 70:95] = 1.0
    return lsm


def synthetic_sst_anomalies(n_days, lsm):
    base = torch.randn(n_days, 1, GLOBAL_LAT, GLOBAL_LON) * 0.6
    warm = torch.zeros(n_days, dtype=torch.long)
    for d in range(n_days):
        if d % 3 == 0:
            base[d, 0, 18:30, 30:50] += 2.5
            warm[d] = 1
    return base * (1 - lsm), warm


def crop_box(field):
    return field[..., BOX["lat"], BOX["lon"]]


def ocean_patch_mask(lsm):
    frac = F.avg_pool2d(lsm[None, None], kernel_size=PATCH, stride=PATCH)
    keep = (frac.flatten() <= LAND_FRACTION_MAX).long()
    return keep


class SSTPatchEncoder(nn.Module):
    def __init__(self, hidden=32, n_classes=2):
        super().__init__()
        self.to_tokens = nn.Conv2d(1, hidden, kernel_size=PATCH, stride=PATCH)
        cfg = BertConfig(
            vocab_size=4,
            hidden_size=hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=128,
        )
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(hidden, n_classes)

    def forward(self, sst_box, ocean_keep):
        tok = self.to_tokens(sst_box).flatten(2).transpose(1, 2)
        out = self.bert(inputs_embeds=tok, attention_mask=ocean_keep)
        h = out.last_hidden_state
        w = ocean_keep.unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def main():
    lsm = synthetic_land_sea_mask()
    sst, is_heatwave = synthetic_sst_anomalies(N_DAYS, lsm)

    sst_box = crop_box(sst)
    keep = ocean_patch_mask(crop_box(lsm))
    print(f"box grid {tuple(sst_box.shape[-2:])}, ocean patches kept: {int(keep.sum())}")

    model = SSTPatchEncoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    train_days = torch.arange(0, 30)
    val_days = torch.arange(30, N_DAYS)
    batch = 10

    for epoch in range(3):
        model.train()
        for s in range(0, len(train_days), batch):
            days = train_days[s:s + batch]
            mask = keep.unsqueeze(0).expand(len(days), -1)
            logits = model(sst_box[days], mask)
            loss = F.cross_entropy(logits, is_heatwave[days])
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        with torch.no_grad():
            mask = keep.unsqueeze(0).expand(len(val_days), -1)
            pred = model(sst_box[val_days], mask).argmax(-1)
            acc = (pred == is_heatwave[val_days]).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.3f}  val acc {acc:.2f}")


if __name__ == "__main__":
    main()
