"""Lyrics-to-audio alignment: a BiGRU acoustic model trained with CTC on word tokens,
then Viterbi-free greedy alignment to get word onsets for a held-out line."""
import argparse
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer

LYRIC_WORDS = ("love night baby heart fire dance tonight dream rain away home road "
               "light stay gone forever feel down higher alone running wild sky "
               "burning young hold tears shadow song").split()


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n_mels", type=int, default=40)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--batch_size", type=int, default=8)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--max_lr", type=float, default=3e-3)
    p.add_argument("--n_train", type=int, default=30)
    p.add_argument("--n_val", type=int, default=6)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--vocab_path", default="lyrics_vocab.txt")
    return p.parse_args([])


def build_tokenizer(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + LYRIC_WORDS) + "\n")
    return BertTokenizer(path, do_lower_case=True)


class SungLinesDataset(Dataset):
    """Synthetic 'vocal stem' features: every sung word is a noisy prototype spectrum held
    for a random number of frames, with short breaths between words."""

    def __init__(self, n_lines, tokenizer, n_mels, rng):
        self.items = []
        protos = rng.normal(0, 1.5, size=(tokenizer.vocab_size, n_mels)).astype(np.float32)
        for _ in range(n_lines):
            words = list(rng.choice(LYRIC_WORDS, size=rng.integers(3, 8)))
            ids = tokenizer.convert_tokens_to_ids(words)
            frames = [rng.normal(0, 0.3, size=(rng.integers(2, 5), n_mels))]
            for tid in ids:
                dur = rng.integers(6, 14)
                frames.append(protos[tid] + rng.normal(0, 0.5, size=(dur, n_mels)))
                frames.append(rng.normal(0, 0.3, size=(rng.integers(1, 4), n_mels)))
            feats = np.concatenate(frames).astype(np.float32)
            self.items.append((torch.from_numpy(feats), " ".join(words)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collate(tokenizer):
    def collate(batch):
        feats, lyrics = zip(*batch)
        feat_lens = torch.tensor([f.shape[0] for f in feats])
        enc = tokenizer(list(lyrics), add_special_tokens=False, padding=True, return_tensors="pt")
        return {
            "feats": pad_sequence(feats, batch_first=True),
            "feat_lens": feat_lens,
            "targets": enc["input_ids"],
            "target_lens": enc["attention_mask"].sum(dim=1),
            "lyrics": lyrics,
        }
    return collate


class LyricsAligner(nn.Module):
    def __init__(self, n_mels, hidden, vocab_size):
        super().__init__()
        self.inp = nn.Sequential(nn.Linear(n_mels, hidden), nn.LayerNorm(hidden), nn.GELU())
        self.rnn = nn.GRU(hidden, hidden, num_layers=1, batch_first=True, bidirectional=True)
        self.cls = nn.Linear(2 * hidden, vocab_size)

    def forward(self, feats):
        h, _ = self.rnn(self.inp(feats))
        return self.cls(h).log_softmax(dim=-1)          # (B, T, V)


def greedy_word_onsets(log_probs, blank_id, fps=50.0):
    best = log_probs.argmax(dim=-1).tolist()
    onsets, prev = [], blank_id
    for t, tok in enumerate(best):
        if tok != blank_id and tok != prev:
            onsets.append((tok, t / fps))
        prev = tok
    return onsets


def main():
    args = get_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    here = os.path.dirname(os.path.abspath(__file__))
    tokenizer = build_tokenizer(os.path.join(here, args.vocab_path))

    train_set = SungLinesDataset(args.n_train, tokenizer, args.n_mels, rng)
    val_set = SungLinesDataset(args.n_val, tokenizer, args.n_mels, rng)
    collate = make_collate(tokenizer)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, collate_fn=collate)
    val_loader = DataLoader(val_set, batch_size=args.batch_size, collate_fn=collate)

    model = LyricsAligner(args.n_mels, args.hidden, tokenizer.vocab_size)
    ctc = nn.CTCLoss(blank=tokenizer.pad_token_id, zero_infinity=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.max_lr, weight_decay=1e-2)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.max_lr, epochs=args.epochs,
        steps_per_epoch=len(train_set) // args.batch_size, pct_start=0.3)

    global_step = 0
    for epoch in range(args.epochs):
        model.train()
        for batch in train_loader:
            log_probs = model(batch["feats"])
            loss = ctc(log_probs.transpose(0, 1), batch["targets"],
                       batch["feat_lens"], batch["target_lens"])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            scheduler.step()
            global_step += 1
        model.eval()
        with torch.no_grad():
            val_loss = np.mean([
                ctc(model(b["feats"]).transpose(0, 1), b["targets"], b["feat_lens"],
                    b["target_lens"]).item() for b in val_loader])
        print(f"epoch {epoch} step {global_step} lr {scheduler.get_last_lr()[0]:.2e} "
              f"train_ctc {loss.item():.3f} val_ctc {val_loss:.3f}")

    feats, lyric = val_set[0]
    with torch.no_grad():
        lp = model(feats[None])[0]
    onsets = greedy_word_onsets(lp, tokenizer.pad_token_id)
    print("reference:", lyric)
    print("aligned  :", [(tokenizer.convert_ids_to_tokens(t), round(s, 2)) for t, s in onsets])


if __name__ == "__main__":
    main()
