from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

SEED = 2024
N_MOLECULES = 160
MAX_LEN = 48
BATCH_SIZE = 20
EPOCHS = 2
LR = 3e-4
HIDDEN = 32
N_HEADS = 2
N_LAYERS = 1
FFN = 64
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
ALPHABET = "CNOSFPlrcnos()[]=#@+-12345H/\\"
TOXIC_ALERTS = ["N(=O)=O", "C=CC(=O)", "S(=O)(=O)Cl", "N=N", "C1OC1"]
BENIGN_PARTS = ["CC", "CCO", "c1ccccc1", "C(=O)O", "OC", "CN", "c1ccncc1", "CCl", "C(F)(F)F"]


@dataclass
class Molecule:
    smiles: str
    toxic: int
    tokens: list = field(default_factory=list)


def make_vocab():
    itos = SPECIALS + list(dict.fromkeys(ALPHABET))
    return {tok: i for i, tok in enumerate(itos)}


def synth_molecules(rng, n):
    mols = []
    for _ in range(n):
        parts = list(rng.choice(BENIGN_PARTS, size=rng.integers(2, 6)))
        toxic = int(rng.random() < 0.4)
        if toxic:
            parts.insert(int(rng.integers(0, len(parts) + 1)), rng.choice(TOXIC_ALERTS))
        smi = "".join(parts)
        mols.append(Molecule(smiles=smi, toxic=toxic, tokens=list(smi)))
    return mols


def encode_batch(mols, vocab, max_len):
    ids = np.zeros((len(mols), max_len), dtype=np.int64)
    for row, mol in enumerate(mols):
        seq = [vocab["[CLS]"]] + [vocab.get(ch, vocab["[UNK]"]) for ch in mol.tokens][: max_len - 2] + [vocab["[SEP]"]]
        ids[row, : len(seq)] = seq
    input_ids = torch.from_numpy(ids)
    attention_mask = (input_ids != vocab["[PAD]"]).long()
    labels = torch.tensor([m.toxic for m in mols], dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


def iterate_batches(mols, batch_size, rng):
    order = rng.permutation(len(mols))
    for start in range(0, len(order), batch_size):
        yield [mols[i] for i in order[start:start + batch_size]]


class ToxAlertClassifier(nn.Module):
    def __init__(self, vocab_size, pad_id):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=HIDDEN,
            num_hidden_layers=N_LAYERS,
            num_attention_heads=N_HEADS,
            intermediate_size=FFN,
            max_position_embeddings=MAX_LEN + 2,
            pad_token_id=pad_id,
        )
        self.bert = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(HIDDEN, 2)

    def forward(self, input_ids, attention_mask):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
        return self.classifier(self.dropout(out.pooler_output))


def accuracy(logits, labels):
    return (logits.argmax(-1) == labels).float().mean().item()


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    vocab = make_vocab()
    mols = synth_molecules(rng, N_MOLECULES)
    split = int(0.8 * len(mols))
    train_mols, test_mols = mols[:split], mols[split:]
    print(f"{len(train_mols)} train / {len(test_mols)} test, "
          f"{sum(m.toxic for m in mols)} flagged, vocab {len(vocab)}")

    model = ToxAlertClassifier(len(vocab), vocab["[PAD]"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        running = []
        for chunk in iterate_batches(train_mols, BATCH_SIZE, rng):
            batch = encode_batch(chunk, vocab, MAX_LEN)
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running.append(loss.item())
        print(f"epoch {epoch}: loss {np.mean(running):.4f}")

    model.eval()
    batch = encode_batch(test_mols, vocab, MAX_LEN)
    with torch.no_grad():
        logits = model(batch["input_ids"], batch["attention_mask"])
    print(f"test accuracy {accuracy(logits, batch['labels']):.3f}")


if __name__ == "__main__":
    main()
