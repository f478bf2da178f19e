"""Joint intent detection + slot filling for a food-ordering chatbot.

Word-level BIO annotations are projected onto word pieces (first piece gets the tag,
the rest are ignored) and a small BERT encoder feeds two heads.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(1)

ORDERS = [
    ("order_food", "i want two large pepperoni pizzas",
     "O O B-quantity B-size B-dish I-dish"),
    ("order_food", "get me a small veggie pizza with extra olives",
     "O O O B-size B-dish I-dish O B-topping I-topping"),
    ("order_drink", "add three cans of cola",
     "O B-quantity O O B-drink"),
    ("cancel", "cancel my order please",
     "O O O O"),
    ("order_drink", "one lemonade and two iced teas",
     "B-quantity B-drink O B-quantity B-drink I-drink"),
    ("order_food", "a medium margherita with mushrooms",
     "O B-size B-dish O B-topping"),
]

WORDPIECES = [
    "i", "want", "two", "large", "pepper", "##oni", "pizza", "##s", "get", "me", "a", "small",
    "veg", "##gie", "with", "extra", "olive", "add", "three", "can", "of", "cola", "cancel",
    "my", "order", "please", "one", "lemon", "##ade", "and", "iced", "tea", "medium",
    "margherita", "mushroom",
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDPIECES) + "\n")
    return path


def build_label_maps(orders):
    intents = sorted({intent for intent, _, _ in orders})
    slot_types = sorted({t[2:] for _, _, tags in orders for t in tags.split() if t != "O"})
    tag_names = ["O"] + [f"{p}-{s}" for s in slot_types for p in ("B", "I")]
    return intents, slot_types, {name: i for i, name in enumerate(tag_names)}


def encode_orders(tok, orders, intent2id, tag2id):
    words = [utt.split() for _, utt, _ in orders]
    enc = tok(words, is_split_into_words=True, padding=True, return_tensors="pt")
    piece_tags = torch.full_like(enc["input_ids"], -100)
    for row, (_, _, tags) in enumerate(orders):
        word_tags = tags.split()
        previous = None
        for col, w in enumerate(enc.word_ids(row)):
            if w is not None and w != previous:
                piece_tags[row, col] = tag2id[word_tags[w]]
            previous = w
    intent_ids = torch.tensor([intent2id[intent] for intent, _, _ in orders])
    return enc, intent_ids, piece_tags


class OrderNLU(nn.Module):
    def __init__(self, cfg, n_intents, n_slot_tags):
        super().__init__()
        self.bert = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.intent_clf = nn.Linear(cfg.hidden_size, n_intents)
        self.slot_clf = nn.Linear(cfg.hidden_size, n_slot_tags)

    def forward(self, ids, mask):
        h = self.drop(self.bert(input_ids=ids, attention_mask=mask).last_hidden_state)
        return self.intent_clf(h[:, 0]), self.slot_clf(h)


def main():
    tmp = tempfile.mkdtemp(prefix="pizza_nlu_")
    tok = BertTokenizer(write_vocab(tmp))
    intents, slot_types, tag2id = build_label_maps(ORDERS)
    intent2id = {name: i for i, name in enumerate(intents)}

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    num_slot_labels = len(tag2id)
    model = OrderNLU(cfg, len(intents), num_slot_labels)

    enc, intent_ids, piece_tags = encode_orders(tok, ORDERS, intent2id, tag2id)
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for step in range(4):
        model.train()
        opt.zero_grad()
        intent_logits, slot_logits = model(enc["input_ids"], enc["attention_mask"])
        intent_loss = ce(intent_logits, intent_ids)
        slot_loss = ce(slot_logits.reshape(-1, slot_logits.size(-1)), piece_tags.reshape(-1))
        total = intent_loss + slot_loss
        total.backward()
        opt.step()
        print(f"step {step}: intent {intent_loss.item():.3f} slots {slot_loss.item():.3f}")

    id2tag = {i: t for t, i in tag2id.items()}
    model.eval()
    with torch.no_grad():
        intent_logits, slot_logits = model(enc["input_ids"], enc["attention_mask"])
    for row in range(len(ORDERS)):
        keep = piece_tags[row] != -100
        tags = [id2tag[i] for i in slot_logits[row][keep].argmax(-1).tolist()]
        print(intents[intent_logits[row].argmax().item()], tags)


if __name__ == "__main__":
    main()
