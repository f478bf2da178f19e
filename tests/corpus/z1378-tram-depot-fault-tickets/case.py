"""Route tram depot fault tickets to the right workshop (bogie / pantograph / doors).

Small BERT encoder from scratch + mean pooling + a linear routing head.
Everything tunable goes through environment variables for the depot's batch runner.
"""
import os
import tempfile
from functools import partial

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

POOLED_DIM = int(os.environ.get("ENCODER_HIDDEN", "64"))
WORKSHOPS = os.environ.get("WORKSHOPS", "bogie,pantograph,doors").split(",")


def configure():
    os.environ.setdefault("ENCODER_HIDDEN", "48")
    os.environ.setdefault("ENCODER_LAYERS", "1")
    os.environ.setdefault("ENCODER_HEADS", "2")
    os.environ.setdefault("TICKET_MAX_LEN", "32")


def env_int(name, default=None):
    value = os.environ.get(name)
    return int(value) if value is not None else default


TICKETS = [
    ("flat spot on wheel of second bogie noise at speed", "bogie"),
    ("suspension spring cracked on rear bogie", "bogie"),
    ("wheel flange wear above limit", "bogie"),
    ("pantograph carbon strip chipped after storm", "pantograph"),
    ("arcing seen at pantograph head during night run", "pantograph"),
    ("pantograph does not rise at depot exit", "pantograph"),
    ("door three stuck half open at terminus", "doors"),
    ("door sensor reports obstacle with no passenger", "doors"),
    ("passenger door chime silent on car two", "doors"),
]


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="depot_vocab_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path)


class TicketRouter(nn.Module):
    def __init__(self, encoder, n_workshops):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.route = nn.Linear(POOLED_DIM, n_workshops)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        weights = attention_mask.unsqueeze(-1).float()
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.route(self.dropout(pooled))


def collate(rows, tokenizer, max_len, label_of):
    enc = tokenizer([r[0] for r in rows], padding=True, truncation=True,
                    max_length=max_len, return_tensors="pt")
    target = torch.tensor([label_of[r[1]] for r in rows])
    return dict(enc), target


def main():
    torch.manual_seed(0)
    configure()

    tokenizer = make_tokenizer([t for t, _ in TICKETS])
    enc_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=env_int("ENCODER_HIDDEN"),
        num_hidden_layers=env_int("ENCODER_LAYERS"),
        num_attention_heads=env_int("ENCODER_HEADS"),
        intermediate_size=4 * env_int("ENCODER_HIDDEN"),
        max_position_embeddings=64,
    )
    router = TicketRouter(BertModel(enc_cfg), len(WORKSHOPS))
    print(f"encoder hidden={enc_cfg.hidden_size}, workshops={WORKSHOPS}")

    label_of = {name: i for i, name in enumerate(WORKSHOPS)}
    make_batch = partial(collate, tokenizer=tokenizer, max_len=env_int("TICKET_MAX_LEN"),
                         label_of=label_of)
    optimizer = torch.optim.Adam(router.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    router.train()
    for epoch in range(3):
        epoch_loss = 0.0
        for i in range(0, len(TICKETS), 3):
            features, target = make_batch(TICKETS[i:i + 3])
            logits = router(**features)
            loss = criterion(logits, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss:.3f}")

    router.eval()
    features, _ = make_batch([("pantograph strip worn", "pantograph"), ("door will not close", "doors")])
    with torch.no_grad():
        picks = router(**features).argmax(-1)
    print("routed to:", [WORKSHOPS[p] for p in picks.tolist()])


if __name__ == "__main__":
    main()
