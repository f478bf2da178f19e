"""Word-level tagging of excavation context sheets (stratigraphy units).

Sub-word vectors from a small BERT are averaged back onto the original words
before the tag classifier, so every word gets exactly one prediction.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

TAGS = ["O", "B-UNIT", "I-UNIT", "B-SOIL", "I-SOIL", "B-FIND", "I-FIND"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

SHEETS = [
    ("context 1043 dark brown silty clay with charcoal flecks",
     "O B-UNIT B-SOIL I-SOIL I-SOIL I-SOIL O B-FIND O"),
    ("fill of cut 1044 contains abraded pottery sherds",
     "O O O B-UNIT O O B-FIND I-FIND"),
    ("layer 2011 compact yellow sand",
     "O B-UNIT B-SOIL I-SOIL I-SOIL"),
    ("posthole 3007 with burnt daub",
     "O B-UNIT O B-FIND I-FIND"),
]


def write_vocab(words):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for w in sorted(set(words)):
        if w.isdigit():
            pieces.extend([w[:2], "##" + w[2:]])
        else:
            pieces.append(w)
    folder = tempfile.mkdtemp(prefix="strat_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(pieces)) + "\n")
    return path


class WordAlignedCollator:
    """Tokenizes pre-split words and keeps the token -> word mapping."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        words = [r[0].split() for r in rows]
        enc = self.tokenizer(words, is_split_into_words=True, padding=True,
                             return_tensors="pt")
        word_index = torch.tensor(
            [[-1 if w is None else w for w in enc.word_ids(i)] for i in range(len(rows))]
        )
        n_words = max(len(w) for w in words)
        tag_ids = torch.full((len(rows), n_words), -100, dtype=torch.long)
        for i, r in enumerate(rows):
            ids = [TAG2ID[t] for t in r[1].split()]
            tag_ids[i, : len(ids)] = torch.tensor(ids)
        return {"enc": enc, "word_index": word_index, "tag_ids": tag_ids}


class WordPooler(nn.Module):
    def forward(self, hidden, word_index, n_words):
        bsz, _, dim = hidden.shape
        # [CLS]/[SEP]/[PAD] carry word id -1: send them to an extra sink slot
        word_index = word_index.masked_fill(word_index < 0, n_words)
        idx = word_index.unsqueeze(-1).expand(-1, -1, dim)
        sums = hidden.new_zeros(bsz, n_words + 1, dim).scatter_add_(1, idx, hidden)
        counts = hidden.new_zeros(bsz, n_words + 1).scatter_add_(
            1, word_index, torch.ones_like(word_index, dtype=hidden.dtype))
        return (sums / counts.clamp(min=1.0).unsqueeze(-1))[:, :n_words]


class StratTagger(nn.Module):
    def __init__(self, cfg, n_tags):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.pool = WordPooler()
        self.head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, enc, word_index, n_words):
        hidden = self.encoder(input_ids=enc["input_ids"],
                              attention_mask=enc["attention_mask"]).last_hidden_state
        return self.head(self.pool(hidden, word_index, n_words))


def main():
    all_words = [w for s, _ in SHEETS for w in s.split()]
    tokenizer = BertTokenizer(write_vocab(all_words))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = StratTagger(cfg, len(TAGS))
    loader = DataLoader(SHEETS, batch_size=2, shuffle=True,
                        collate_fn=WordAlignedCollator(tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    print(f"{len(SHEETS)} context sheets, vocab {tokenizer.vocab_size}, {len(TAGS)} tags")
    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            tag_ids = batch["tag_ids"]
            logits = model(batch["enc"], batch["word_index"], tag_ids.size(1))
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), tag_ids.reshape(-1))
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        batch = WordAlignedCollator(tokenizer)(SHEETS[:1])
        pred = model(batch["enc"], batch["word_index"], batch["tag_ids"].size(1)).argmax(-1)[0]
    print(list(zip(SHEETS[0][0].split(), [TAGS[p] for p in pred.tolist()])))


if __name__ == "__main__":
    main()
