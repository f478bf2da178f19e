import random

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 99
PAD_CHAR = "_"
CHARSET = PAD_CHAR + "CNOSFlrcnos()[]=#@+-123456H"
MAX_LEN = 56
EMBED_DIM = 24
CONV_CHANNELS = 48
KERNEL_SIZES = (3, 5, 7)
PROJ_DIM = 32
TEMPERATURE = 0.2
N_LIBRARY = 200
BATCH_SIZE = 25
STEPS = 30
LR = 1e-3
REFERENCE_ACTIVES = [
    "CC(=O)Nc1ccc(O)cc1",
    "CC(C)Cc1ccc(C(C)C(=O)O)cc1",
    "OC(=O)c1ccccc1O",
    "CN1C(=O)N(C)c2ncn(C)c2C1=O",
]
SCAFFOLD_BITS = ["c1ccccc1", "C(=O)O", "C(=O)N", "CC", "O", "N", "c1ccncc1", "CCl", "C#N", "S(=O)(=O)N"]

CHAR_TO_IDX = {ch: i for i, ch in enumerate(CHARSET)}


def tokenize(smiles, max_len=MAX_LEN):
    idx = [CHAR_TO_IDX.get(ch, 0) for ch in smiles[:max_len]]
    return idx + [CHAR_TO_IDX[PAD_CHAR]] * (max_len - len(idx))


def to_tensor(smiles_list):
    return torch.tensor([tokenize(s) for s in smiles_list], dtype=torch.long)


def char_overlap(a, b):
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb)


def make_library(rng, n, references):
    library = []
    for _ in range(n):
        smi = "".join(rng.choice(SCAFFOLD_BITS) for _ in range(rng.randint(2, 5)))
        score = max(char_overlap(smi, ref) for ref in references)
        library.append((smi, float(score > 0.55)))
    return library


class CharCNNEncoder(nn.Module):
    def __init__(self, vocab_size, embed_dim, channels, kernel_sizes, proj_dim):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim, channels, k, padding=k // 2) for k in kernel_sizes])
        self.proj = nn.Linear(channels * len(kernel_sizes), proj_dim)

    def forward(self, ids):
        x = self.embed(ids).transpose(1, 2)
        feats = [F.relu(conv(x)).amax(dim=-1) for conv in self.convs]
        return F.normalize(self.proj(torch.cat(feats, dim=-1)), dim=-1)


def similarity_logits(query_emb, anchor_emb, temperature):
    sims = query_emb @ anchor_emb.T
    return torch.logsumexp(sims / temperature, dim=-1) - torch.log(torch.tensor(float(anchor_emb.size(0))))


def sample_batches(library, batch_size, rng):
    while True:
        picks = rng.sample(library, batch_size)
        yield [s for s, _ in picks], torch.tensor([y for _, y in picks])


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    library = make_library(rng, N_LIBRARY, REFERENCE_ACTIVES)
    n_pos = sum(y for _, y in library)
    print(f"library of {len(library)} SMILES, {int(n_pos)} labelled similar to a reference active")

    encoder = CharCNNEncoder(len(CHARSET), EMBED_DIM, CONV_CHANNELS, KERNEL_SIZES, PROJ_DIM)
    bias = nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.Adam(list(encoder.parameters()) + [bias], lr=LR)
    pos_weight = torch.tensor([(len(library) - n_pos) / max(n_pos, 1.0)])

    anchor_ids = to_tensor(REFERENCE_ACTIVES)

    batches = sample_batches(library, BATCH_SIZE, rng)
    for step, (smiles, labels) in zip(range(1, STEPS + 1), batches):
        anchor_emb = encoder(anchor_ids)
        query_emb = encoder(to_tensor(smiles))
        logits = similarity_logits(query_emb, anchor_emb, TEMPERATURE) + bias
        loss = F.binary_cross_entropy_with_logits(logits, labels, pos_weight=pos_weight)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 10 == 0:
            print(f"step {step:3d}  bce {loss.item():.4f}")

    encoder.eval()
    with torch.no_grad():
        anchors = encoder(anchor_ids)
        probe = ["CC(=O)Nc1ccccc1", "CCCCCC", "OC(=O)c1ccccc1"]
        scores = torch.sigmoid(similarity_logits(encoder(to_tensor(probe)), anchors, TEMPERATURE) + bias)
    for smi, s in zip(probe, scores.tolist()):
        print(f"{smi:>20s}  p(active-like) = {s:.3f}")


if __name__ == "__main__":
    main()
