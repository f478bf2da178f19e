import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

INTENTS = ["book_table", "cancel_booking", "ask_hours", "ask_menu"]
SLOT_TAGS = ["O", "B-party", "B-time", "I-time", "B-day", "B-venue", "I-venue", "B-dish"]

UTTERANCES = [
    ("book a table for four at seven pm on friday", "book_table",
     "O O O O B-party O B-time I-time O B-day"),
    ("cancel my booking at blue lantern", "cancel_booking",
     "O O O O B-venue I-venue"),
    ("when does olive garden open on sunday", "ask_hours",
     "O O B-venue I-venue O O B-day"),
    ("do you have vegan lasagna", "ask_menu",
     "O O O O B-dish"),
    ("table for two tomorrow", "book_table",
     "O O B-party B-day"),
    ("is the kitchen at blue lantern open late on saturday", "ask_hours",
     "O O O O B-venue I-venue O O O B-day"),
    ("please cancel the friday reservation", "cancel_booking",
     "O O O B-day O"),
    ("what desserts are on the menu tonight", "ask_menu",
     "O B-dish O O O O B-day"),
]


def write_vocab(folder):
    words = sorted({w for text, _, _ in UTTERANCES for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def featurize(tok, text, intent, tags):
    pieces, piece_tags = [], []
    for word, tag in zip(text.split(), tags.split()):
        sub = tok.convert_tokens_to_ids(tok.tokenize(word))
        pieces.extend(sub)
        piece_tags.extend([SLOT_TAGS.index(tag)] + [-100] * (len(sub) - 1))
    return {"pieces": pieces, "tags": piece_tags, "intent": INTENTS.index(intent)}


def collate(tok, examples):
    longest = max(len(ex["pieces"]) for ex in examples)
    id_rows, tag_rows, attn_rows = [], [], []
    for ex in examples:
        seq = [tok.cls_token_id] + ex["pieces"] + [tok.sep_token_id]
        lab = [-100] + ex["tags"] + [-100]
        fill = longest + 2 - len(seq)
        id_rows.append(seq + [tok.pad_token_id] * fill)
        tag_rows.append(lab + [-100] * fill)
        attn_rows.append([1] * len(ex["pieces"]) + [0] * (longest - len(ex["pieces"])))
    return {
        "ids": torch.tensor(id_rows),
        "attn": torch.tensor(attn_rows),
        "slot_gold": torch.tensor(tag_rows),
        "intent_gold": torch.tensor([ex["intent"] for ex in examples]),
    }


class ReservationNLU(nn.Module):
    def __init__(self, cfg, n_intents, n_tags):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.intent_head = nn.Linear(cfg.hidden_size, n_intents)
        self.slot_head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, ids, attn):
        states = self.bert(input_ids=ids, attention_mask=attn).last_hidden_state
        states = self.drop(states)
        return self.intent_head(states[:, 0]), self.slot_head(states)


def main():
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(tmp))
    data = [featurize(tok, *u) for u in UTTERANCES]

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = ReservationNLU(cfg, len(INTENTS), len(SLOT_TAGS))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    ce = nn.CrossEntropyLoss(ignore_index=-100)

    model.train()
    for epoch in range(4):
        random.shuffle(data)
        total = 0.0
        for start in range(0, len(data), 4):
            batch = collate(tok, data[start:start + 4])
            intent_logits, slot_logits = model(batch["ids"], batch["attn"])
            loss = ce(intent_logits, batch["intent_gold"])
            loss = loss + ce(slot_logits.reshape(-1, len(SLOT_TAGS)), batch["slot_gold"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        batch = collate(tok, data)
        intent_logits, slot_logits = model(batch["ids"], batch["attn"])
    for i in range(len(data)):
        print(INTENTS[intent_logits[i].argmax().item()], INTENTS[batch["intent_gold"][i].item()])


if __name__ == "__main__":
    main()
