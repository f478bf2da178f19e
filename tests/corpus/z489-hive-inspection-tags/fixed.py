"""Word-level tagging of beehive inspection notes (component / condition / other).

Each note is pre-split into words; we run a tiny BERT over the wordpieces and classify every word
from the vector of its first sub-token.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

TAGS = ["O", "PART", "COND"]
MAX_TOKENS = 16


@dataclass
class HiveNote:
    words: list
    tags: list = field(default_factory=list)


NOTES = [
    HiveNote("brood frames patchy queen cells capped".split(), [1, 1, 2, 1, 1, 2]),
    HiveNote("super full honey capped".split(), [1, 2, 0, 2]),
    HiveNote(("entrance reducer removed , varroa board shows heavy mite drop under "
              "the brood box and some chalkbrood mummies on landing board").split(),
             [1, 1, 2, 0, 0, 1, 2, 2, 0, 0, 0, 0, 1, 1, 0, 0, 2, 2, 0, 1, 1]),
    HiveNote("queen seen laying well".split(), [1, 0, 2, 2]),
]

WORDPIECES = [
    "brood", "frame", "##s", "patch", "##y", "queen", "cell", "capped", "super", "full", "honey",
    "entrance", "reduce", "##r", "removed", ",", "var", "##roa", "board", "show", "heavy", "mite",
    "drop", "under", "the", "box", "and", "some", "chalk", "##brood", "mum", "##mies", "on", "landing",
    "seen", "lay", "##ing", "well",
]


def make_tokenizer():
    tmp = tempfile.mkdtemp(prefix="hive_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDPIECES) + "\n")
    return BertTokenizer(vocab_path)


def first_subtoken_positions(encoding, row):
    starts, prev = [], None
    for pos, wid in enumerate(encoding.word_ids(row)):
        if wid is not None and wid != prev:
            starts.append(pos)
        prev = wid
    return torch.tensor(starts, dtype=torch.long)


class WordTagger(nn.Module):
    def __init__(self, cfg, n_tags):
        super().__init__()
        self.bert = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, **enc):
        return self.bert(**enc).last_hidden_state


def gather_words(hidden, encoding, notes):
    vecs, gold = [], []
    for b, note in enumerate(notes):
        word_starts = first_subtoken_positions(encoding, b)
        n_words = word_starts.numel()
        for w in range(n_words):
            vecs.append(hidden[b, word_starts[w]])
            gold.append(note.tags[w])
    return torch.stack(vecs), torch.tensor(gold)


def train(model, tok, notes, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    for ep in range(epochs):
        enc = tok([n.words for n in notes], is_split_into_words=True, padding=True,
                  truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        hidden = model(**enc)
        word_vecs, gold = gather_words(hidden, enc, notes)
        logits = model.cls(model.drop(word_vecs))
        loss = nn.functional.cross_entropy(logits, gold)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {ep}: {len(gold)} words, loss={loss.item():.4f}")


def main():
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = WordTagger(cfg, len(TAGS))
    print(f"tagging {len(NOTES)} inspection notes, vocab={tok.vocab_size}")
    train(model, tok, NOTES)

    model.eval()
    probe = [HiveNote("queen cells capped".split())]
    with torch.no_grad():
        enc = tok([p.words for p in probe], is_split_into_words=True, return_tensors="pt")
        hidden = model(**enc)
        starts = first_subtoken_positions(enc, 0)
        pred = model.cls(hidden[0, starts]).argmax(-1).tolist()
    print(list(zip(probe[0].words, [TAGS[i] for i in pred])))


if __name__ == "__main__":
    main()
