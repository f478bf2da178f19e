import re
from dataclasses import dataclass

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader

torch.manual_seed(7)

TOPICS = ["billing", "login", "shipping", "bug"]


@dataclass
class Ticket:
    body: str
    topics: tuple


TICKETS = [
    Ticket("charged twice for my subscription this month", ("billing",)),
    Ticket("cannot log in after password reset", ("login",)),
    Ticket("package shows delivered but never arrived", ("shipping",)),
    Ticket("app crashes when I open the invoice page", ("bug", "billing")),
    Ticket("two factor code never arrives so I cannot sign in", ("login",)),
    Ticket("refund still not processed after two weeks", ("billing",)),
    Ticket("tracking number does not work on the courier site", ("shipping", "bug")),
    Ticket("login button does nothing on the mobile app", ("login", "bug")),
    Ticket("wrong item was shipped and I was charged for express", ("shipping", "billing")),
    Ticket("the export to csv feature throws an error", ("bug",)),
    Ticket("my account is locked after too many attempts", ("login",)),
    Ticket("invoice shows the wrong tax amount", ("billing",)),
    Ticket("delivery address cannot be changed after checkout", ("shipping",)),
    Ticket("page freezes when I upload a profile picture", ("bug",)),
    Ticket("charged for shipping on a free delivery order", ("billing", "shipping")),
    Ticket("session expires every few minutes and logs me out", ("login", "bug")),
]


def words(text):
    return re.findall(r"[a-z]+", text.lower())


def make_vocab(tickets):
    vocab = {"<unk>": 0}
    for t in tickets:
        for w in words(t.body):
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(tickets, vocab):
    rows = []
    for t in tickets:
        ids = torch.tensor([vocab.get(w, 0) for w in words(t.body)])
        target = torch.tensor([1 if name in t.topics else 0 for name in TOPICS])
        rows.append({"ids": ids, "target": target})
    return rows


def collate(rows):
    lengths = [len(r["ids"]) for r in rows]
    offsets = torch.tensor([0] + lengths[:-1]).cumsum(0)
    return {
        "flat_ids": torch.cat([r["ids"] for r in rows]),
        "offsets": offsets,
        "target": torch.stack([r["target"] for r in rows]),
    }


class TicketRouter(L.LightningModule):
    def __init__(self, vocab_size, n_topics, dim=48):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, n_topics))
        self.criterion = nn.BCEWithLogitsLoss()

    def forward(self, flat_ids, offsets):
        return self.head(self.bag(flat_ids, offsets))

    def training_step(self, batch, batch_idx):
        logits = self(batch["flat_ids"], batch["offsets"])
        loss = self.criterion(logits, batch["target"])
        self.log("loss", loss, batch_size=logits.size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-2)


def main():
    vocab = make_vocab(TICKETS)
    rows = encode(TICKETS, vocab)
    loader = DataLoader(rows, batch_size=4, shuffle=True, collate_fn=collate)
    router = TicketRouter(len(vocab), len(TOPICS))
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(router, loader)
    router.eval()
    with torch.no_grad():
        probe = collate(encode(TICKETS[:3], vocab))
        probs = torch.sigmoid(router(probe["flat_ids"], probe["offsets"]))
    for t, p in zip(TICKETS[:3], probs):
        print(t.body[:30], [TOPICS[i] for i in range(len(TOPICS)) if p[i] > 0.5])


if __name__ == "__main__":
    main()
