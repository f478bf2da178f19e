import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel

GRID = 8
SPECIAL = {"[PAD]": 0, "[CLS]": 1}
VOXEL_OFFSET = len(SPECIAL)
MAX_TOKENS = 256
NUM_SEG = 5
NUM_CLS = 4


def voxelize(xyz, grid=GRID):
    lo = xyz.min(dim=0).values
    hi = xyz.max(dim=0).values
    unit = (xyz - lo) / (hi - lo).clamp_min(1e-6)
    cell = torch.floor(unit * (grid - 1)).long()
    return cell[:, 0] * grid * grid + cell[:, 1] * grid + cell[:, 2] + VOXEL_OFFSET


class LidarSegments(Dataset):
    def __init__(self, n, seed=0):
        g = np.random.default_rng(seed)
        self.items = []
        for _ in range(n):
            npts = int(g.integers(150, 400))
            cls = int(g.integers(0, NUM_CLS))
            xyz = g.uniform(-1, 1, size=(npts, 3)).astype(np.float32)
            xyz[:, cls % 3] *= 2.5
            radius = np.linalg.norm(xyz[:, :2], axis=1)
            seg = np.clip((radius * 2).astype(np.int64), 0, NUM_SEG - 1)
            self.items.append((xyz, seg, cls))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        xyz, seg, cls = self.items[i]
        return torch.from_numpy(xyz), torch.from_numpy(seg), cls


def collate_tokens(batch):
    cls_tok = torch.tensor([SPECIAL["[CLS]"]])
    token_rows, seg_rows = [], []
    for xyz, s, _ in batch:
        xyz, s = xyz[:MAX_TOKENS], s[:MAX_TOKENS]
        token_rows.append(torch.cat([cls_tok, voxelize(xyz)]))
        seg_rows.append(torch.cat([torch.tensor([-100]), s]))
    ids = pad_sequence(token_rows, batch_first=True, padding_value=SPECIAL["[PAD]"])
    seg = pad_sequence(seg_rows, batch_first=True, padding_value=-100)
    lengths = torch.tensor([len(t) for t in token_rows])
    mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).long()
    labels = torch.tensor([b[2] for b in batch], dtype=torch.long)
    return {"input_ids": ids, "attention_mask": mask, "seg": seg, "label": labels}


class VoxelBert(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(
            vocab_size=GRID ** 3 + VOXEL_OFFSET,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=MAX_TOKENS + 8,
            pad_token_id=SPECIAL["[PAD]"],
        )
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.seg_head = nn.Linear(cfg.hidden_size, NUM_SEG)
        self.cls_head = nn.Linear(cfg.hidden_size, NUM_CLS)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.cls_head(h[:, 0]), self.seg_head(h)


def main():
    torch.manual_seed(0)
    ds = LidarSegments(32)
    loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=collate_tokens)
    model = VoxelBert()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            cls_logits, seg_logits = model(batch["input_ids"], batch["attention_mask"])
            loss = F.cross_entropy(cls_logits, batch["label"])
            loss = loss + F.cross_entropy(seg_logits.flatten(0, 1), batch["seg"].flatten(), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
