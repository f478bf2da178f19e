import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(5)

FORECAST_INTENTS = ["get_forecast", "get_temperature", "will_it_rain", "set_unit"]
SLOTS = ["city", "date", "time", "condition", "unit"]
BIO = ["O"] + [f"{prefix}-{slot}" for slot in SLOTS for prefix in ("B", "I")]

TRAIN = [
    ("what is the weather in new york tomorrow", "get_forecast",
     ["O", "O", "O", "O", "O", "B-city", "I-city", "B-date"]),
    ("will it rain in paris this afternoon", "will_it_rain",
     ["O", "O", "B-condition", "O", "B-city", "B-time", "I-time"]),
    ("how hot is it in cairo today", "get_temperature",
     ["O", "O", "O", "O", "O", "B-city", "B-date"]),
    ("switch to celsius please", "set_unit",
     ["O", "O", "B-unit", "O"]),
    ("forecast for san francisco on monday morning", "get_forecast",
     ["O", "O", "B-city", "I-city", "O", "B-date", "B-time"]),
    ("is snow expected in oslo next week", "will_it_rain",
     ["O", "B-condition", "O", "O", "B-city", "B-date", "I-date"]),
    ("temperature in lima tonight in fahrenheit", "get_temperature",
     ["O", "O", "B-city", "B-time", "O", "B-unit"]),
    ("show me the weather for rome", "get_forecast",
     ["O", "O", "O", "O", "O", "B-city"]),
]


def write_vocab(folder):
    words = sorted({w for text, _, _ in TRAIN for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def align_tags(enc, word_tags):
    rows = []
    for b, tags in enumerate(word_tags):
        prev, row = None, []
        for wid in enc.word_ids(b):
            if wid is None or wid == prev:
                row.append(-100)
            else:
                row.append(BIO.index(tags[wid]))
            prev = wid
        rows.append(row)
    return torch.tensor(rows)


def tag_weights(tag_tensor):
    seen = tag_tensor[tag_tensor != -100]
    counts = torch.bincount(seen, minlength=len(BIO)).float() + 1.0
    inv = counts.sum() / counts
    return inv / inv.mean()


class WeatherParser(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.intent_proj = nn.Linear(cfg.hidden_size, len(FORECAST_INTENTS))
        self.tag_proj = nn.Linear(cfg.hidden_size, len(BIO))

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.intent_proj(h[:, 0]), self.tag_proj(h)


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizerFast(write_vocab(tmp))
    texts = [t for t, _, _ in TRAIN]
    enc = tokenizer([t.split() for t in texts], is_split_into_words=True,
                    padding=True, return_tensors="pt")
    tag_gold = align_tags(enc, [tags for _, _, tags in TRAIN])
    intent_gold = torch.tensor([FORECAST_INTENTS.index(i) for _, i, _ in TRAIN])

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    parser = WeatherParser(cfg)
    intent_loss = nn.CrossEntropyLoss()
    tag_loss = nn.CrossEntropyLoss(weight=tag_weights(tag_gold), ignore_index=-100)
    opt = torch.optim.AdamW(parser.parameters(), lr=1e-3)

    parser.train()
    for step in range(30):
        intent_logits, tag_logits = parser(enc["input_ids"], enc["attention_mask"])
        loss = intent_loss(intent_logits, intent_gold)
        loss = loss + tag_loss(tag_logits.view(-1, len(BIO)), tag_gold.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:02d} loss {loss.item():.4f}")

    parser.eval()
    with torch.no_grad():
        intent_logits, tag_logits = parser(enc["input_ids"], enc["attention_mask"])
    for b, text in enumerate(texts):
        pred = [BIO[k] for k, g in zip(tag_logits[b].argmax(-1).tolist(), tag_gold[b].tolist()) if g != -100]
        print(FORECAST_INTENTS[intent_logits[b].argmax().item()], "|", text, "|", " ".join(pred))


if __name__ == "__main__":
    main()
