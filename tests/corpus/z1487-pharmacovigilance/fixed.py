"""BiLSTM tagger over word pieces for adverse drug event reports.

Pieces come from a tiny greedy longest-match splitter (WordPiece style); word tags
are put on the first piece of each word, continuation pieces are ignored (-100).
"""
import random

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

MAX_PIECES = 16
TAGS = ["O", "B-DRUG", "I-DRUG", "B-ADR", "I-ADR", "B-DOSE", "I-DOSE"]
T2I = {t: i for i, t in enumerate(TAGS)}

REPORTS = [
    ("patient developed hepatotoxicity after isoniazid 300 mg daily",
     "O O B-ADR O B-DRUG B-DOSE I-DOSE O"),
    ("severe rhabdomyolysis reported with atorvastatin 80 mg",
     "O B-ADR O O B-DRUG B-DOSE I-DOSE"),
    ("rash and angioedema on lisinopril",
     "B-ADR O B-ADR O B-DRUG"),
    ("elderly woman on warfarin 5 mg and amiodarone presented with gastrointestinal haemorrhage "
     "and persistent bradycardia requiring hospitalisation",
     "O O O B-DRUG B-DOSE I-DOSE O B-DRUG O O B-ADR I-ADR O B-ADR I-ADR O O"),
]


class PieceSplitter:
    def __init__(self, pieces):
        self.vocab = {"[PAD]": 0, "[UNK]": 1}
        for p in pieces:
            self.vocab.setdefault(p, len(self.vocab))

    def split_word(self, word):
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                cand = word[start:end] if start == 0 else "##" + word[start:end]
                if cand in self.vocab:
                    break
                end -= 1
            if end == start:
                return ["[UNK]"]
            out.append(cand)
            start = end
        return out

    def split_words(self, words):
        pieces, word_index = [], []
        for w_i, w in enumerate(words):
            for p in self.split_word(w):
                pieces.append(p)
                word_index.append(w_i)
        return pieces, word_index


def chop(word, size=5):
    return [word[:size]] + ["##" + word[i:i + size] for i in range(size, len(word), size)]


def encode(splitter, words, tags):
    pieces, word_index = splitter.split_words(words)
    pieces, word_index = pieces[:MAX_PIECES], word_index[:MAX_PIECES]
    ids = [splitter.vocab[p] for p in pieces]
    gold = [T2I[tags[w]] if k == 0 or word_index[k - 1] != w else -100 for k, w in enumerate(word_index)]
    return {"ids": ids, "gold": gold, "words": words, "word_index": word_index}


def pad_batch(examples):
    width = max(len(e["ids"]) for e in examples)
    ids = torch.zeros(len(examples), width, dtype=torch.long)
    gold = torch.full((len(examples), width), -100, dtype=torch.long)
    for i, e in enumerate(examples):
        ids[i, :len(e["ids"])] = torch.tensor(e["ids"])
        gold[i, :len(e["gold"])] = torch.tensor(e["gold"])
    return ids, gold


class AdeTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids))
        return self.out(h)


def decode_entities(words, word_index, pred_row):
    found, seen = [], set()
    for pos in range(len(word_index)):
        w = word_index[pos]
        if w in seen:
            continue
        seen.add(w)
        tag = TAGS[pred_row[pos].item()]
        if tag.startswith("B-"):
            found.append([tag[2:], words[w]])
        elif tag.startswith("I-") and found and found[-1][0] == tag[2:]:
            found[-1][1] += " " + words[w]
    return found


def main():
    all_words = {w for text, _ in REPORTS for w in text.split()}
    splitter = PieceSplitter(p for w in sorted(all_words) for p in chop(w))
    data = [encode(splitter, text.split(), tags.split()) for text, tags in REPORTS]
    print(f"vocab={len(splitter.vocab)} reports={len(data)} max_pieces={MAX_PIECES}")

    model = AdeTagger(len(splitter.vocab), len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    crit = nn.CrossEntropyLoss(ignore_index=-100)
    for epoch in range(20):
        random.shuffle(data)
        ids, gold = pad_batch(data)
        logits = model(ids)
        loss = crit(logits.view(-1, len(TAGS)), gold.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        ids, _ = pad_batch(data)
        preds = model(ids).argmax(-1)
    for ex, pred_row in zip(data, preds):
        ents = decode_entities(ex["words"], ex["word_index"], pred_row)
        print(" ".join(ex["words"][:6]), "...", ents)


if __name__ == "__main__":
    main()
