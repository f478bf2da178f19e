"""Late-return model for the Eastside tool library.

Encodes the desk clerk's checkout note with a small BERT-style encoder and
combines it with a learned embedding per tool in the catalogue, then predicts
whether the loan comes back late.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

LOANS_CSV = """loan_id,member_id,tool_id,note,late
1001,17,3,borrowed for deck repair weekend project,1
1002,4,0,quick hole for curtain rail,0
1003,29,7,tiling the bathroom floor needs two weeks,1
1004,8,2,trim hedge at front garden,0
1005,33,11,rented for roof gutter cleaning,1
1006,12,5,pressure wash patio before party,0
1007,21,9,sanding old dresser slow job,1
1008,2,1,hanging shelves in kitchen,0
1009,38,4,cutting laminate for hallway,1
1010,15,6,quick fence post hole,0
1011,26,10,stripping wallpaper in three rooms,1
1012,9,8,mulching leaves for compost,0
"""

NUM_TOOLS = 12      # size of the catalogue
PAD, CLS, UNK = 0, 1, 2
BATCH = 4


@dataclass
class Loan:
    loan_id: int
    member_id: int
    tool_id: int
    note: str
    late: float


def read_loans(text):
    lines = text.strip().splitlines()
    header = lines[0].split(",")
    out = []
    for line in lines[1:]:
        rec = dict(zip(header, line.split(",")))
        out.append(Loan(int(rec["loan_id"]), int(rec["member_id"]), int(rec["tool_id"]),
                        rec["note"], float(rec["late"])))
    return out


def build_vocab(loans):
    vocab = {"[PAD]": PAD, "[CLS]": CLS, "[UNK]": UNK}
    for ln in loans:
        for w in ln.note.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def make_batches(loans, vocab):
    for start in range(0, len(loans), BATCH):
        chunk = loans[start:start + BATCH]
        seqs = [[CLS] + [vocab.get(w, UNK) for w in ln.note.split()] for ln in chunk]
        width = max(len(s) for s in seqs)
        toks = torch.tensor([s + [PAD] * (width - len(s)) for s in seqs])
        yield {
            "toks": toks,
            "pad_positions": toks.eq(PAD),
            "tool": torch.tensor([ln.tool_id for ln in chunk]),
            "late": torch.tensor([ln.late for ln in chunk]),
        }


class NoteEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)

    def forward(self, toks, pad_positions):
        pos = torch.arange(toks.size(1)).unsqueeze(0)
        h = self.tok(toks) + self.pos(pos)
        h = self.enc(h, src_key_padding_mask=pad_positions)
        return h[:, 0]


class LateReturnModel(nn.Module):
    def __init__(self, vocab_size, num_tools, dim=32):
        super().__init__()
        self.notes = NoteEncoder(vocab_size, dim)
        self.tool_emb = nn.Embedding(num_tools, dim)
        self.out = nn.Linear(2 * dim, 1)

    def forward(self, toks, pad_positions, tool):
        feats = torch.cat([self.notes(toks, pad_positions), self.tool_emb(tool)], dim=-1)
        return self.out(feats).squeeze(-1)


def main():
    loans = read_loans(LOANS_CSV)
    vocab = build_vocab(loans)
    print(f"{len(loans)} loans, vocab {len(vocab)}, catalogue {NUM_TOOLS} tools")

    model = LateReturnModel(len(vocab), NUM_TOOLS)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        random.shuffle(loans)
        total = 0.0
        model.train()
        for batch in make_batches(loans, vocab):
            target = batch.pop("late")
            logit = model(**batch)
            loss = F.binary_cross_entropy_with_logits(logit, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / ((len(loans) + BATCH - 1) // BATCH):.4f}")

    model.eval()
    with torch.no_grad():
        batch = next(make_batches(loans, vocab))
        probs = torch.sigmoid(model(batch["toks"], batch["pad_positions"], batch["tool"]))
    print("late-return probabilities:", [round(p, 3) for p in probs.tolist()])


if __name__ == "__main__":
    main()
