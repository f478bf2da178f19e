"""Report triage model: given a reported post, the report category the user picked
and the reporter's free-text note, predict which review queue it should go to."""
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
QUEUES = ["ignore", "harassment", "spam", "self_harm", "csam_escalation"]
REASONS = ["spam", "harassment", "hate speech", "self harm", "nudity", "other"]

MODEL_CFG = dict(
    vocab_size=None,  # filled from tokenizer
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=128,
    type_vocab_size=2,
)
TRAIN_CFG = dict(batch_size=8, lr=3e-4, epochs=1, max_len=96)

WORDS = ("you are an idiot buy cheap pills now click here free money hate this "
         "user keeps posting same link again stop following me please help they "
         "said hurt myself report fake account scam nobody likes you lol ok fine "
         "spam harassment speech self harm nudity other reported because this post").split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = specials + sorted(set(WORDS))
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return path


def fake_reports(n):
    rows = []
    for _ in range(n):
        post = " ".join(random.choices(WORDS, k=random.randint(5, 25)))
        reason = random.choice(REASONS)
        note = " ".join(random.choices(WORDS, k=random.randint(0, 12)))
        rows.append({"post": post, "reason": reason, "note": note,
                     "queue": random.randrange(len(QUEUES))})
    return rows


class ReportEncoder:
    """[CLS] post [SEP] reason [SEP] note [SEP], one segment id per field."""

    SEGMENTS = ("post", "reason", "note")

    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, report):
        ids = [self.tok.cls_token_id]
        seg = [0]
        for seg_id, field in enumerate(self.SEGMENTS):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(report[field]))
            piece = piece + [self.tok.sep_token_id]
            ids += piece
            seg += [seg_id] * len(piece)
        ids, seg = ids[: self.max_len], seg[: self.max_len]
        return ids, seg


class ReportDataset(Dataset):
    def __init__(self, rows, encoder):
        self.rows = rows
        self.encoder = encoder

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        ids, seg = self.encoder(self.rows[i])
        return ids, seg, self.rows[i]["queue"]


def pad_batch(batch, pad_id=0):
    longest = max(len(ids) for ids, _, _ in batch)
    input_ids, token_types, attn, labels = [], [], [], []
    for ids, seg, y in batch:
        gap = longest - len(ids)
        input_ids.append(ids + [pad_id] * gap)
        token_types.append(seg + [0] * gap)
        attn.append([1] * len(ids) + [0] * gap)
        labels.append(y)
    return {
        "input_ids": torch.tensor(input_ids),
        "token_type_ids": torch.tensor(token_types),
        "attention_mask": torch.tensor(attn),
        "labels": torch.tensor(labels),
    }


class TriageModel(nn.Module):
    def __init__(self, bert_cfg, n_queues):
        super().__init__()
        self.bert = BertModel(bert_cfg, add_pooling_layer=True)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(bert_cfg.hidden_size, n_queues)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.bert(input_ids=input_ids, token_type_ids=token_type_ids,
                        attention_mask=attention_mask)
        return self.head(self.drop(out.pooler_output))


def main():
    vocab_path = write_vocab(os.path.join(HERE, "report_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)
    MODEL_CFG["vocab_size"] = tokenizer.vocab_size
    bert_cfg = BertConfig(**MODEL_CFG)

    encoder = ReportEncoder(tokenizer, TRAIN_CFG["max_len"])
    train_ds = ReportDataset(fake_reports(64), encoder)
    loader = DataLoader(train_ds, batch_size=TRAIN_CFG["batch_size"], shuffle=True,
                        collate_fn=pad_batch)

    model = TriageModel(bert_cfg, len(QUEUES))
    opt = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for epoch in range(TRAIN_CFG["epochs"]):
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} mean loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    main()
