import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

torch.manual_seed(0)
random.seed(0)

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "image_size": 96,
    "patch": 16,
    "d_model": 64,
    "n_heads": 4,
    "max_instr_len": 16,
    "batch_size": 8,
    "n_episodes": 64,
    "lr": 3e-4,
    "epochs": 2,
}

WORDS = [
    "pick", "up", "the", "red", "blue", "green", "yellow", "block", "cube", "mug",
    "place", "it", "in", "bowl", "on", "push", "left", "right", "drawer", "open",
    "close", "grasp", "handle", "sponge", "stack", "top", "of", "and", "plate", "lift",
]
COLORS = ["red", "blue", "green", "yellow"]
OBJECTS = ["block", "cube", "mug", "sponge"]
TARGETS = ["bowl", "plate", "drawer"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + WORDS) + "\n")


def sample_instruction():
    c, o, t = random.choice(COLORS), random.choice(OBJECTS), random.choice(TARGETS)
    templates = [
        f"pick up the {c} {o}",
        f"grasp the {c} {o} and place it in the {t}",
        f"push the {o} left",
        f"lift the {c} {o}",
        f"stack the {c} {o} on top of the {t}",
        f"open the drawer",
    ]
    return random.choice(templates)


class InstructionEncoder:
    def __init__(self, vocab_path, max_len):
        self.tok = BertTokenizer(vocab_path)
        self.max_len = max_len

    def __call__(self, texts):
        enc = self.tok(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        lengths = enc["attention_mask"].sum(dim=1)
        return enc["input_ids"], lengths

    def padding_mask(self, lengths):
        steps = torch.arange(self.max_len).unsqueeze(0)
        return steps >= lengths.unsqueeze(1)


class LangCondGraspNet(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        d = cfg["d_model"]
        n_patches = (cfg["image_size"] // cfg["patch"]) ** 2
        self.patch_embed = nn.Conv2d(3, d, kernel_size=cfg["patch"], stride=cfg["patch"])
        self.vis_pos = nn.Parameter(torch.zeros(1, n_patches, d))
        self.word_emb = nn.Embedding(vocab_size, d, padding_idx=0)
        self.lang_pos = nn.Embedding(cfg["max_instr_len"], d)
        self.cross_attn = nn.MultiheadAttention(d, cfg["n_heads"], batch_first=True)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, 1))

    def forward(self, rgb, instr_ids, instr_pad_mask):
        vis = self.patch_embed(rgb).flatten(2).transpose(1, 2) + self.vis_pos
        pos = torch.arange(instr_ids.size(1), device=instr_ids.device)
        lang = self.word_emb(instr_ids) + self.lang_pos(pos)
        fused, _ = self.cross_attn(vis, lang, lang, key_padding_mask=instr_pad_mask)
        fused = self.norm(vis + fused)
        return self.head(fused.mean(dim=1)).squeeze(-1)


def make_episodes(n, image_size):
    rgb = torch.rand(n, 3, image_size, image_size)
    instrs = [sample_instruction() for _ in range(n)]
    success = (torch.rand(n) > 0.5).float()
    return rgb, instrs, success


def main():
    vocab_path = os.path.join(HERE, "grasp_vocab.txt")
    write_vocab(vocab_path)
    encoder = InstructionEncoder(vocab_path, CFG["max_instr_len"])

    rgb, instrs, success = make_episodes(CFG["n_episodes"], CFG["image_size"])
    model = LangCondGraspNet(encoder.tok.vocab_size, CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    bs = CFG["batch_size"]
    for epoch in range(CFG["epochs"]):
        perm = torch.randperm(CFG["n_episodes"])
        total = 0.0
        for start in range(0, CFG["n_episodes"], bs):
            idx = perm[start:start + bs]
            ids, lengths = encoder([instrs[i] for i in idx.tolist()])
            pad_mask = encoder.padding_mask(lengths)
            logits = model(rgb[idx], ids, pad_mask)
            loss = F.binary_cross_entropy_with_logits(logits, success[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: grasp-success bce {total / CFG['n_episodes']:.4f}")


if __name__ == "__main__":
    main()
