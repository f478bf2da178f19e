import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

INTENTS = ["order_pizza", "add_topping", "cancel_order", "ask_delivery_time"]
TAGS = ["O", "B-size", "B-topping", "I-topping", "B-crust", "B-qty"]

ORDERS = [
    ("i want a large pepperoni pizza", "order_pizza",
     ["O", "O", "O", "B-size", "B-topping", "O"]),
    ("two medium margherita pizzas with thin crust", "order_pizza",
     ["B-qty", "B-size", "B-topping", "O", "O", "B-crust", "O"]),
    ("add jalapenos and extra cheese", "add_topping",
     ["O", "B-topping", "O", "B-topping", "I-topping"]),
    ("cancel my order", "cancel_order", ["O", "O", "O"]),
    ("when will my pizza arrive", "ask_delivery_time", ["O", "O", "O", "O", "O"]),
    ("one small pizza with stuffed crust and mushrooms", "order_pizza",
     ["B-qty", "B-size", "O", "O", "B-crust", "O", "O", "B-topping"]),
]

PIECES = [
    "i", "want", "a", "large", "pepper", "##oni", "pizza", "pizzas", "two", "medium", "marg", "##her",
    "##ita", "with", "thin", "crust", "add", "jal", "##ap", "##enos", "and", "extra", "cheese", "cancel",
    "my", "order", "when", "will", "arrive", "one", "small", "stuff", "##ed", "mush", "##rooms",
]


def build_tokenizer(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES) + "\n")
    return BertTokenizer(path)


class JointNLU(nn.Module):
    def __init__(self, cfg, n_intents, n_tags):
        super().__init__()
        self.bert = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.intent_proj = nn.Linear(cfg.hidden_size, n_intents)
        self.tag_proj = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, ids, mask):
        states = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        states = self.drop(states)
        return self.intent_proj(states[:, 0]), self.tag_proj(states)


def collate(tok, rows):
    word_lists = [text.split() for text, _, _ in rows]
    enc = tok(word_lists, is_split_into_words=True, padding=True, return_tensors="pt")
    pad_to = enc["input_ids"].size(1)
    tag_rows = []
    for b, (_, _, word_tags) in enumerate(rows):
        aligned = []
        prev = None
        for wid in enc.word_ids(b):
            if wid is None or wid == prev:
                aligned.append(-100)
            else:
                aligned.append(TAGS.index(word_tags[wid]))
            prev = wid
        aligned = aligned[:pad_to] + [-100] * (pad_to - len(aligned))
        tag_rows.append(aligned)
    intent_ids = torch.tensor([INTENTS.index(intent) for _, intent, _ in rows])
    return enc["input_ids"], enc["attention_mask"], intent_ids, torch.tensor(tag_rows)


def joint_loss(intent_logits, tag_logits, intent_gold, tag_gold, tag_weight=1.0):
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    intent_term = ce(intent_logits, intent_gold)
    tag_term = ce(tag_logits.reshape(-1, tag_logits.size(-1)), tag_gold.reshape(-1))
    return intent_term + tag_weight * tag_term


def main():
    tok = build_tokenizer(tempfile.mkdtemp())
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    nlu = JointNLU(cfg, len(INTENTS), len(TAGS))
    optim = torch.optim.Adam(nlu.parameters(), lr=1e-3)

    batch_size = 3
    for epoch in range(4):
        nlu.train()
        running = 0.0
        for start in range(0, len(ORDERS), batch_size):
            ids, mask, intent_gold, tag_gold = collate(tok, ORDERS[start:start + batch_size])
            intent_logits, tag_logits = nlu(ids, mask)
            loss = joint_loss(intent_logits, tag_logits, intent_gold, tag_gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running:.3f}")

    nlu.eval()
    with torch.no_grad():
        ids, mask, intent_gold, _ = collate(tok, ORDERS)
        intent_logits, _ = nlu(ids, mask)
    acc = (intent_logits.argmax(-1) == intent_gold).float().mean().item()
    print(f"intent accuracy on train set: {acc:.2f}")


if __name__ == "__main__":
    main()
