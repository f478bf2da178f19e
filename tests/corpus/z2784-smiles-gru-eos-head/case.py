import random

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 11
BATCH_SIZE = 8
EMBED_DIM = 32
HIDDEN_DIM = 64
N_EPOCHS = 3
LR = 3e-3
MAX_LEN = 40
PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"

FRAGMENTS = [
    "CC", "CCO", "c1ccccc1", "C(=O)O", "N", "CN", "OC", "C(F)(F)F",
    "c1ccncc1", "S(=O)(=O)N", "C#N", "Cl", "Br", "C=C", "CC(C)C",
]


def random_smiles(rng, n_frag=(2, 5)):
    k = rng.randint(*n_frag)
    return "".join(rng.choice(FRAGMENTS) for _ in range(k))


def build_charset(smiles_list):
    return sorted({ch for smi in smiles_list for ch in smi})


def build_vocab(charset):
    stoi = {PAD: 0}
    stoi.update({ch: i + 1 for i, ch in enumerate(charset)})
    stoi[BOS] = len(stoi)
    stoi[EOS] = len(stoi)
    return stoi


def encode(smi, stoi):
    return [stoi[BOS]] + [stoi[ch] for ch in smi[:MAX_LEN - 2]] + [stoi[EOS]]


def pad_batch(seqs, pad_id):
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [pad_id] * (width - len(s)) for s in seqs], dtype=torch.long)


def batches(encoded, batch_size, rng):
    order = list(range(len(encoded)))
    rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        yield [encoded[i] for i in order[start:start + batch_size]]


def shift(batch):
    return batch[:, :-1], batch[:, 1:]


class SmilesRNN(nn.Module):
    def __init__(self, n_tokens, n_out, embed_dim, hidden_dim, pad_id):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, embed_dim, padding_idx=pad_id)
        self.rnn = nn.GRU(embed_dim, hidden_dim, batch_first=True)
        self.head = nn.Linear(hidden_dim, n_out)

    def forward(self, x):
        h, _ = self.rnn(self.embed(x))
        return self.head(h)


def sample(model, stoi, itos, max_len=MAX_LEN):
    model.eval()
    x = torch.tensor([[stoi[BOS]]])
    out = []
    with torch.no_grad():
        for _ in range(max_len):
            logits = model(x)[:, -1]
            nxt = int(torch.multinomial(F.softmax(logits, -1), 1))
            if itos.get(nxt) in (EOS, PAD):
                break
            out.append(itos.get(nxt, "?"))
            x = torch.cat([x, torch.tensor([[nxt]])], dim=1)
    model.train()
    return "".join(out)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)

    train_smiles = [random_smiles(rng) for _ in range(160)]
    valid_smiles = [random_smiles(rng) for _ in range(32)]

    charset = build_charset(train_smiles + valid_smiles)
    n_chars = len(charset)
    stoi = build_vocab(charset)
    itos = {i: t for t, i in stoi.items()}
    pad_id = stoi[PAD]

    train_enc = [encode(s, stoi) for s in train_smiles]
    valid_enc = [encode(s, stoi) for s in valid_smiles]
    print(f"{len(train_enc)} train / {len(valid_enc)} valid, {len(stoi)} tokens")

    model = SmilesRNN(len(stoi), n_chars + 1, EMBED_DIM, HIDDEN_DIM, pad_id)
    opt = torch.optim.Adam(model.parameters(), lr=LR)

    for epoch in range(N_EPOCHS):
        losses = []
        for seqs in batches(train_enc, BATCH_SIZE, rng):
            inp, tgt = shift(pad_batch(seqs, pad_id))
            logits = model(inp)
            loss = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)), tgt.reshape(-1), ignore_index=pad_id
            )
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())

        with torch.no_grad():
            v_inp, v_tgt = shift(pad_batch(valid_enc, pad_id))
            v_logits = model(v_inp)
            v_loss = F.cross_entropy(
                v_logits.reshape(-1, v_logits.size(-1)), v_tgt.reshape(-1), ignore_index=pad_id
            )
        print(f"epoch {epoch}: train {sum(losses) / len(losses):.3f}  valid {v_loss.item():.3f}")

    samples = [sample(model, stoi, itos) for _ in range(5)]
    for smi in samples:
        print("  sampled:", smi)


if __name__ == "__main__":
    main()
