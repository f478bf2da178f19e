from dataclasses import dataclass, field
import random

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

rng = np.random.default_rng(2024)
random.seed(2024)
torch.manual_seed(2024)


@dataclass
class TaggerConfig:
    word_dim: int = 64
    char_dim: int = 24
    char_hidden: int = 32
    proj_dim: int = 80
    lstm_hidden: int = 96
    dropout: float = 0.2
    batch_size: int = 12
    epochs: int = 3
    specials: list = field(default_factory=lambda: ["<pad>", "<unk>"])


LEXICON = {
    "NOUN": ["wiyaq", "tupak", "chaski", "mayu", "rumi"],
    "VERB": ["rimay", "puriy", "mikhuy", "yachay"],
    "PRON": ["noqa", "qam", "pay"],
    "ADV": ["kunan", "paqarin"],
    "PUNCT": ["."],
}
AFFIXES = {"NOUN": ["", "kuna", "pa", "ta", "wan"], "VERB": ["n", "nki", "ni", "rqa"],
           "PRON": ["", "pa"], "ADV": [""], "PUNCT": [""]}


def make_treebank(n_sent):
    out = []
    for sid in range(n_sent):
        out.append(f"# sent_id = q{sid:03d}")
        n = int(rng.integers(3, 9))
        cats = list(rng.choice(["NOUN", "VERB", "PRON", "ADV"], size=n))
        for i, cat in enumerate(cats + ["PUNCT"], 1):
            stem = random.choice(LEXICON[cat])
            form = stem + random.choice(AFFIXES[cat])
            out.append(f"{i}\t{form}\t{stem}\t{cat}\t_\t_\t_\t_\t_\t_")
        out.append("")
    return "\n".join(out)


def conllu_sentences(text):
    block = []
    for raw in text.splitlines():
        if raw.startswith("#"):
            continue
        if raw:
            fid, form, _, upos = raw.split("\t")[:4]
            if fid.isdigit():
                block.append((form, upos))
        elif block:
            yield block
            block = []
    if block:
        yield block


def build_index(items, specials):
    idx = {s: i for i, s in enumerate(specials)}
    for it in sorted(set(items)):
        idx.setdefault(it, len(idx))
    return idx


class CharWordTagger(nn.Module):
    def __init__(self, cfg, n_words, n_chars, n_tags):
        super().__init__()
        self.word_emb = nn.Embedding(n_words, cfg.word_dim, padding_idx=0)
        self.char_emb = nn.Embedding(n_chars, cfg.char_dim, padding_idx=0)
        self.char_rnn = nn.LSTM(cfg.char_dim, cfg.char_hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(cfg.word_dim + 2 * cfg.char_hidden, cfg.proj_dim)
        self.drop = nn.Dropout(cfg.dropout)
        self.ctx = nn.LSTM(cfg.proj_dim, cfg.lstm_hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg.lstm_hidden, n_tags)

    def encode_chars(self, chars, char_lens):
        B, T, C = chars.shape
        flat, lens = chars.view(B * T, C), char_lens.view(-1).clamp(min=1)
        packed = pack_padded_sequence(self.char_emb(flat), lens, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.char_rnn(packed)
        return torch.cat([h_n[0], h_n[1]], dim=-1).view(B, T, -1)

    def forward(self, words, chars, char_lens, sent_lens):
        feats = torch.cat([self.word_emb(words), self.encode_chars(chars, char_lens)], dim=-1)
        x = self.drop(torch.tanh(self.proj(feats)))
        packed = pack_padded_sequence(x, sent_lens, batch_first=True, enforce_sorted=False)
        h, _ = self.ctx(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=words.size(1))
        return self.head(self.drop(h))


def batches(data, w2i, c2i, t2i, size):
    order = list(range(len(data)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [data[i] for i in order[start:start + size]]
        T = max(len(s) for s in chunk)
        C = max(len(f) for s in chunk for f, _ in s)
        words = torch.zeros(len(chunk), T, dtype=torch.long)
        chars = torch.zeros(len(chunk), T, C, dtype=torch.long)
        char_lens = torch.zeros(len(chunk), T, dtype=torch.long)
        tags = torch.full((len(chunk), T), -100, dtype=torch.long)
        for b, sent in enumerate(chunk):
            for t, (form, upos) in enumerate(sent):
                words[b, t] = w2i.get(form.lower(), 1)
                tags[b, t] = t2i[upos]
                char_lens[b, t] = len(form)
                chars[b, t, :len(form)] = torch.tensor([c2i.get(ch, 1) for ch in form])
        yield {"words": words, "chars": chars, "char_lens": char_lens,
               "sent_lens": torch.tensor([len(s) for s in chunk]), "tags": tags}


def main():
    cfg = TaggerConfig()
    data = list(conllu_sentences(make_treebank(90)))
    w2i = build_index((f.lower() for s in data for f, _ in s), cfg.specials)
    c2i = build_index((ch for s in data for f, _ in s for ch in f), cfg.specials)
    t2i = {t: i for i, t in enumerate(sorted({u for s in data for _, u in s}))}

    model = CharWordTagger(cfg, len(w2i), len(c2i), len(t2i))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(cfg.epochs):
        model.train()
        seen, total = 0, 0.0
        for batch in batches(data, w2i, c2i, t2i, cfg.batch_size):
            logits = model(batch["words"], batch["chars"], batch["char_lens"], batch["sent_lens"])
            loss = loss_fn(logits.view(-1, logits.size(-1)), batch["tags"].view(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item() * len(batch["sent_lens"])
            seen += len(batch["sent_lens"])
        print(f"epoch {epoch + 1}/{cfg.epochs} loss={total / seen:.4f}")


if __name__ == "__main__":
    main()
