import itertools
import random
import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

BASES = "TCAG"
AA_TABLE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {"".join(c): aa for c, aa in zip(itertools.product(BASES, repeat=3), AA_TABLE)}
SENSE = [c for c, aa in CODE.items() if aa != "*"]

codon_ids = {c: i + 1 for i, c in enumerate(sorted(CODE))}
aa_letters = sorted(set(AA_TABLE) - {"*"})
PAD, BOS, EOS = 0, 1, 2
aa_ids = {a: i + 3 for i, a in enumerate(aa_letters)}
N_AA = len(aa_ids) + 3


def random_orf():
    n = random.randint(5, 12)
    codons = ["ATG"] + [random.choice(SENSE) for _ in range(n - 1)]
    return codons, [CODE[c] for c in codons]


def batch_iter(pairs, size):
    for k in range(0, len(pairs), size):
        chunk = pairs[k:k + size]
        src_w = max(len(c) for c, _ in chunk)
        tgt_w = max(len(p) for _, p in chunk) + 1
        src = torch.full((len(chunk), src_w), PAD)
        dec_in = torch.full((len(chunk), tgt_w), PAD)
        dec_out = torch.full((len(chunk), tgt_w), PAD)
        for r, (codons, peptide) in enumerate(chunk):
            s = [codon_ids[c] for c in codons]
            t = [aa_ids[a] for a in peptide]
            src[r, :len(s)] = torch.tensor(s)
            dec_in[r, :len(t) + 1] = torch.tensor([BOS] + t)
            dec_out[r, :len(t) + 1] = torch.tensor(t + [EOS])
        yield {"src": src, "dec_in": dec_in, "dec_out": dec_out}


class Translator(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.src_emb = nn.Embedding(len(codon_ids) + 1, hidden, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(N_AA, hidden, padding_idx=PAD)
        self.encoder = nn.GRU(hidden, hidden, batch_first=True)
        self.decoder = nn.GRU(hidden, hidden, batch_first=True)
        self.readout = nn.Linear(hidden, N_AA)

    def forward(self, src, dec_in):
        _, state = self.encoder(self.src_emb(src))
        dec_h, _ = self.decoder(self.tgt_emb(dec_in), state)
        return self.readout(dec_h)


criterion = nn.CrossEntropyLoss(ignore_index=PAD)


def sequence_loss(logits, batch):
    loss = criterion(logits.transpose(1, 2), batch["dec_out"])
    keep = batch["dec_out"] != PAD
    correct = (logits.argmax(-1) == batch["dec_out"]) & keep
    return {"loss": loss, "tok_acc": correct.sum().item() / keep.sum().item()}


pairs = [random_orf() for _ in range(64)]
model = Translator()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(6):
    random.shuffle(pairs)
    for batch in batch_iter(pairs, 16):
        logits = model(batch["src"], batch["dec_in"])
        stats = sequence_loss(logits, batch)
        optimizer.zero_grad()
        stats["loss"].backward()
        optimizer.step()
    print(f"epoch {epoch} loss {stats['loss'].item():.3f} acc {stats['tok_acc']:.2f}")
