import csv
import io
import os
import random
from dataclasses import dataclass
from typing import List

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

BASE = os.path.dirname(os.path.abspath(__file__))

TAG_SCHEME = io.StringIO("""tag,owner,auto_escalate
billing,finance-desk,no
urgent,duty-manager,yes
technical,tier2,no
account,tier1,no
complaint,cx-lead,yes
""")

SNIPPETS = {
    "billing": ["charged twice", "wrong invoice amount", "refund not received"],
    "urgent": ["asap please", "production is blocked", "need this fixed today"],
    "technical": ["api returns 500", "sync keeps failing", "app crashes on start"],
    "account": ["cannot change email", "two factor code lost", "merge my accounts"],
    "complaint": ["very unhappy with support", "third time asking", "this is unacceptable"],
}


@dataclass
class Ticket:
    ticket_id: int
    text: str
    tags: List[str]


def load_tag_scheme(fh):
    rows = list(csv.DictReader(fh))
    return [r["tag"] for r in rows], {r["tag"]: r for r in rows}


def make_tickets(n, seed=13):
    rng = random.Random(seed)
    tags = list(SNIPPETS)
    tickets = []
    for i in range(n):
        chosen = rng.sample(tags, k=rng.randint(1, 2))
        parts = [rng.choice(SNIPPETS[t]) for t in chosen]
        tickets.append(Ticket(1000 + i, " and ".join(parts), chosen))
    return tickets


def dump_vocab(folder):
    words = sorted({w for phrases in SNIPPETS.values() for p in phrases for w in p.split()} | {"and"})
    path = os.path.join(folder, "tags_vocab.txt")
    with open(path, "w") as f:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(w + "\n")
    return path


class TagPredictor:
    def __init__(self, vocab_path, tag_names, threshold=0.5):
        self.tag_names = tag_names
        self.threshold = threshold
        self.tokenizer = BertTokenizer(vocab_path)
        config = BertConfig(
            vocab_size=len(self.tokenizer),
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=48,
            num_labels=len(tag_names),
            problem_type="multi_label_classification",
        )
        self.model = BertForSequenceClassification(config)

    def _encode(self, texts):
        return self.tokenizer(list(texts), padding=True, truncation=True, max_length=32, return_tensors="pt")

    def _targets(self, tag_lists):
        return torch.tensor([[int(name in tags) for name in self.tag_names] for tags in tag_lists])

    def collate(self, tickets):
        batch = dict(self._encode(t.text for t in tickets))
        batch["labels"] = self._targets([t.tags for t in tickets])
        return batch

    def fit(self, tickets, epochs=3, lr=1e-3):
        loader = DataLoader(tickets, batch_size=16, shuffle=True, collate_fn=self.collate)
        optim = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=0.01)
        history = []
        for epoch in range(epochs):
            self.model.train()
            running = 0.0
            for step, batch in enumerate(loader, start=1):
                loss = self.model(**batch).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                optim.step()
                optim.zero_grad()
                running += loss.item()
            history.append(running / step)
            print(f"epoch {epoch + 1}/{epochs} bce={history[-1]:.4f}")
        return history

    @torch.inference_mode()
    def tag(self, texts):
        self.model.eval()
        probs = torch.sigmoid(self.model(**self._encode(texts)).logits)
        return [[n for n, p in zip(self.tag_names, row) if p >= self.threshold] for row in probs.tolist()]


def main():
    torch.manual_seed(1)
    tag_names, tag_info = load_tag_scheme(TAG_SCHEME)
    predictor = TagPredictor(dump_vocab(BASE), tag_names)
    tickets = make_tickets(160)
    split = int(0.8 * len(tickets))
    predictor.fit(tickets[:split])
    held_out = tickets[split:split + 4]
    for t, predicted in zip(held_out, predictor.tag([t.text for t in held_out])):
        escalate = any(tag_info[p]["auto_escalate"] == "yes" for p in predicted)
        print(f"#{t.ticket_id} gold={t.tags} pred={predicted} escalate={escalate}")


if __name__ == "__main__":
    main()
