import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(21)

ACTS = ["buy_tickets", "list_showtimes", "refund", "choose_seats"]
FIELDS = ["O", "B-film", "I-film", "B-cinema", "I-cinema", "B-showtime", "B-count", "B-row"]

REQUESTS = [
    ("two tickets for dune at nine", "buy_tickets", "B-count O O B-film O B-showtime"),
    ("what is playing at grand plaza tonight", "list_showtimes", "O O O O B-cinema I-cinema B-showtime"),
    ("i want a refund for the matrix tickets", "refund", "O O O O O B-film I-film O"),
    ("seats in row f please", "choose_seats", "O O O B-row O"),
    ("three seats for inside out at seven", "buy_tickets", "B-count O O B-film I-film O B-showtime"),
    ("showtimes for dune at city lights", "list_showtimes", "O O B-film O B-cinema I-cinema"),
    ("refund my four tickets", "refund", "O O B-count O"),
    ("can we sit in row c", "choose_seats", "O O O O O B-row"),
]


def write_vocab(folder):
    words = sorted({w for text, _, _ in REQUESTS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class BoxOfficeCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        words = [text.split() for text, _, _ in rows]
        enc = self.tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
        field_ids = torch.full(enc["input_ids"].shape, -100)
        for b, (_, _, tags) in enumerate(rows):
            tags = tags.split()
            prev = None
            for pos, wid in enumerate(enc.word_ids(b)):
                if wid is not None and wid != prev:
                    field_ids[b, pos] = FIELDS.index(tags[wid])
                prev = wid
        act_ids = torch.tensor([ACTS.index(act) for _, act, _ in rows])
        return enc["input_ids"], enc["attention_mask"], act_ids, field_ids


class TicketingNLU(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.act_head = nn.Sequential(
            nn.Linear(cfg.hidden_size, cfg.hidden_size), nn.Tanh(), nn.Linear(cfg.hidden_size, len(ACTS))
        )
        self.field_head = nn.Linear(cfg.hidden_size, len(FIELDS))

    def forward(self, token_ids, pad_mask):
        hidden, _ = self.encoder(input_ids=token_ids, attention_mask=pad_mask)
        utterance_vec = hidden[:, 0]
        return self.act_head(utterance_vec), self.field_head(hidden)


def evaluate(model, loader):
    model.eval()
    act_hits = field_hits = field_total = 0
    with torch.no_grad():
        for token_ids, pad_mask, act_ids, field_ids in loader:
            act_logits, field_logits = model(token_ids, pad_mask)
            act_hits += (act_logits.argmax(-1) == act_ids).sum().item()
            keep = field_ids != -100
            field_hits += (field_logits.argmax(-1)[keep] == field_ids[keep]).sum().item()
            field_total += keep.sum().item()
    return act_hits / len(loader.dataset), field_hits / field_total


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizerFast(write_vocab(tmp))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = TicketingNLU(cfg)
    loader = DataLoader(REQUESTS, batch_size=4, shuffle=True, collate_fn=BoxOfficeCollator(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    act_loss_fn = nn.CrossEntropyLoss()
    field_loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(6):
        model.train()
        epoch_loss = 0.0
        for token_ids, pad_mask, act_ids, field_ids in loader:
            act_logits, field_logits = model(token_ids, pad_mask)
            loss = act_loss_fn(act_logits, act_ids) + field_loss_fn(
                field_logits.flatten(0, 1), field_ids.flatten()
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        act_acc, field_acc = evaluate(model, loader)
        print(f"epoch {epoch} loss {epoch_loss:.3f} act acc {act_acc:.2f} field acc {field_acc:.2f}")


if __name__ == "__main__":
    main()
