from collections import Counter

import torch
from transformers import BertConfig, BertModel

torch.manual_seed(0)

SPECIALS = ["<pad>", "<unk>", "<cls>", "<sep>", "<mask>"]

INSPECTIONS = [
    ("queen seen laying eggs brood pattern solid honey stores good", 0),
    ("no queen seen capped queen cells on frame four colony restless", 1),
    ("brood pattern spotty varroa mites counted on drone brood", 1),
    ("strong colony calm bees honey flow started added super", 0),
    ("queen cells along bottom bars colony preparing to swarm", 1),
    ("eggs and larvae present pollen coming in calm on frames", 0),
    ("chalkbrood mummies at entrance brood pattern patchy weak colony", 1),
    ("nectar stored in brood nest queen laying well good temper", 0),
    ("wax moth traces on outer frames small colony needs feeding", 1),
    ("drawn comb on all frames honey capped ready for harvest", 0),
]


class Vocab:
    def __init__(self, limit=40):
        self.limit = limit
        self.stoi = {}
        self.itos = []

    def build(self, texts):
        counts = Counter(w for t in texts for w in t.split())
        kept = [w for w, _ in counts.most_common(self.limit)]
        self.stoi = {w: i for i, w in enumerate(SPECIALS + kept)}
        self.itos = SPECIALS + kept
        return self

    def ids(self, text, max_len=16):
        unk = self.stoi["<unk>"]
        body = [self.stoi.get(w, unk) for w in text.split()][: max_len - 2]
        seq = [self.stoi["<cls>"]] + body + [self.stoi["<sep>"]]
        return seq + [self.stoi["<pad>"]] * (max_len - len(seq))


class HiveRiskModel(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        config = BertConfig(
            vocab_size=len(vocab.stoi),
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=64,
            max_position_embeddings=32,
            pad_token_id=vocab.stoi["<pad>"],
        )
        self.encoder = BertModel(config)
        self.head = torch.nn.Linear(config.hidden_size, 2)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    vocab = Vocab(limit=40).build([t for t, _ in INSPECTIONS])
    print(f"vocabulary: {len(vocab.stoi)} entries (limit {vocab.limit})")
    input_ids = torch.tensor([vocab.ids(t) for t, _ in INSPECTIONS])
    attention_mask = (input_ids != vocab.stoi["<pad>"]).long()
    labels = torch.tensor([y for _, y in INSPECTIONS])

    model = HiveRiskModel(vocab)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(5):
        logits = model(input_ids, attention_mask)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        acc = (logits.argmax(-1) == labels).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.4f} acc {acc:.2f}")
    print("hive risk classifier trained")


if __name__ == "__main__":
    main()
