import os
import random
from collections import namedtuple

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer

random.seed(7)
torch.manual_seed(7)

DIR = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 64
D_MODEL = 48

Example = namedtuple("Example", "qid question context answer_word_idx")

INVENTORS = ["edison", "tesla", "curie", "babbage", "lovelace", "watt"]
THINGS = ["lamp", "motor", "engine", "radio", "loom", "telegraph"]
YEARS = ["1801", "1843", "1879", "1888", "1898", "1901"]


def write_vocab():
    base = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "?", ".", ","]
    words = "who what when did invent built the a in year first famous was by".split()
    pieces = ["##s", "##ed", "##ing"]
    path = os.path.join(DIR, "span_vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(base + sorted(set(words + INVENTORS + THINGS + YEARS)) + pieces) + "\n")
    return path


def synth(n):
    data = []
    for i in range(n):
        who, what, yr = random.choice(INVENTORS), random.choice(THINGS), random.choice(YEARS)
        ctx_words = f"in {yr} the famous {who} built the first {what} .".split()
        if random.random() < 0.5:
            q, target = f"who built the first {what} ?", ctx_words.index(who)
        else:
            q, target = f"when did {who} invent the {what} ?", ctx_words.index(yr)
        data.append(Example(f"q{i}", q, ctx_words, target))
    return data


def word_to_token_map(tok, words):
    pieces, owner = [], []
    for w_idx, w in enumerate(words):
        sub = tok.tokenize(w) or [tok.unk_token]
        pieces.extend(sub)
        owner.extend([w_idx] * len(sub))
    return pieces, owner


class ReadingSet(Dataset):
    def __init__(self, examples, tok):
        self.rows = []
        for ex in examples:
            q_pieces = tok.tokenize(ex.question)
            c_pieces, owner = word_to_token_map(tok, ex.context)
            offset = len(q_pieces) + 2
            toks = [tok.cls_token] + q_pieces + [tok.sep_token] + c_pieces + [tok.sep_token]
            first = owner.index(ex.answer_word_idx) + offset
            last = len(owner) - 1 - owner[::-1].index(ex.answer_word_idx) + offset
            self.rows.append({
                "ids": torch.tensor(tok.convert_tokens_to_ids(toks)),
                "ctx_start": offset,
                "ctx_end": offset + len(c_pieces),
                "start": first,
                "end": last,
                "owner": owner,
                "ex": ex,
            })

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def make_collate(pad_id):
    def collate(rows):
        ids = pad_sequence([r["ids"] for r in rows], batch_first=True, padding_value=pad_id)
        B = len(rows)
        ctx_mask = torch.zeros(B, ids.size(1), dtype=torch.bool)
        for b, r in enumerate(rows):
            ctx_mask[b, r["ctx_start"]:r["ctx_end"]] = True
        return {
            "ids": ids,
            "pad_mask": ids.eq(pad_id),
            "ctx_mask": ctx_mask,
            "start": torch.tensor([r["start"] for r in rows]),
            "end": torch.tensor([r["end"] for r in rows]),
            "rows": rows,
        }
    return collate


class SpanReader(nn.Module):
    def __init__(self, vocab_size, pad_id):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, D_MODEL, padding_idx=pad_id)
        self.pos_emb = nn.Embedding(MAX_LEN, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=96, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.span = nn.Linear(D_MODEL, 2)

    def forward(self, ids, pad_mask, ctx_mask):
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.encoder(self.tok_emb(ids) + self.pos_emb(pos), src_key_padding_mask=pad_mask)
        start_logits, end_logits = self.span(h).unbind(-1)
        start_logits = start_logits.masked_fill(~ctx_mask, -1e4)
        end_logits = end_logits.masked_fill(~ctx_mask, -1e4)
        return start_logits, end_logits


def decode(start_logits, end_logits, rows, max_words=3):
    preds = {}
    for b, r in enumerate(rows):
        s_idx = start_logits[b].argmax().item()
        e_cands = end_logits[b, s_idx:s_idx + 4]
        e_idx = s_idx + e_cands.argmax().item()
        off = r["ctx_start"]
        w0, w1 = r["owner"][s_idx - off], r["owner"][min(e_idx, r["ctx_end"] - 1) - off]
        preds[r["ex"].qid] = " ".join(r["ex"].context[w0:min(w1, w0 + max_words - 1) + 1])
    return preds


def main():
    tok = BertTokenizer(write_vocab())
    pad_id = tok.pad_token_id
    loader = DataLoader(ReadingSet(synth(40), tok), batch_size=8, shuffle=True, collate_fn=make_collate(pad_id))
    model = SpanReader(len(tok), pad_id)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    ce = nn.CrossEntropyLoss()
    for epoch in range(3):
        running = 0.0
        for batch in loader:
            s_log, e_log = model(batch["ids"], batch["pad_mask"], batch["ctx_mask"])
            loss = (ce(s_log, batch["start"]) + ce(e_log, batch["end"])) / 2
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: {running / len(loader):.4f}")
    model.eval()
    with torch.no_grad():
        batch = next(iter(loader))
        s_log, e_log = model(batch["ids"], batch["pad_mask"], batch["ctx_mask"])
        for qid, ans in decode(s_log, e_log, batch["rows"]).items():
            print(qid, ans)


if __name__ == "__main__":
    main()
