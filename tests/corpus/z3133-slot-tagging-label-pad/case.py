import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

MAX_LEN = 40
BATCH_SIZE = 6

vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocab.txt")
base_words = ["book", "a", "table", "for", "at", "in", "tomorrow", "tonight", "flight", "from", "to",
              "play", "some", "jazz", "by", "set", "alarm", "remind", "me", "call", "mom", "london",
              "paris", "boston", "seven", "pm", "two", "people", "italian", "restaurant", "near"]
pieces = ["##s", "##ing", "##ed", "##er", "##ton"]
with open(vocab_file, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + base_words + pieces) + "\n")

tokenizer = BertTokenizer(vocab_file)

SLOT_TAGS = ["O", "B-time", "I-time", "B-city", "I-city", "B-party", "B-cuisine", "B-artist"]
tag2id = {t: i for i, t in enumerate(SLOT_TAGS)}
INTENTS = ["book_restaurant", "book_flight", "play_music", "set_alarm"]

SLOT_FILLERS = {
    "time": [["tonight"], ["tomorrow"], ["seven", "pm"]],
    "city": [["london"], ["paris"], ["boston"], ["bostons"]],
    "party": [["two"], ["seven"]],
    "cuisine": [["italian"]],
    "artist": [["jazzer"], ["mom"]],
}
TEMPLATES = {
    "book_restaurant": ["book a table for {party} people at {time}", "{cuisine} restaurant near {city}"],
    "book_flight": ["flight from {city} to {city} {time}", "book flights to {city}"],
    "play_music": ["play some jazz by {artist}", "playing {artist} tonight"],
    "set_alarm": ["set alarm for {time}", "remind me {time} to call mom"],
}


def sample_utterances(n):
    for _ in range(n):
        intent = random.choice(INTENTS)
        words, tags = [], []
        for tok in random.choice(TEMPLATES[intent]).split():
            if tok.startswith("{"):
                slot = tok[1:-1]
                filler = random.choice(SLOT_FILLERS[slot])
                words.extend(filler)
                tags.extend([f"B-{slot}"] + [f"I-{slot}" if f"I-{slot}" in tag2id else "O"] * (len(filler) - 1))
            else:
                words.append(tok)
                tags.append("O")
        yield {"words": words, "tags": tags, "intent": INTENTS.index(intent)}


class JointCollator:
    def __init__(self, tok, max_len):
        self.tok = tok
        self.max_len = max_len

    def align(self, word_ids, tags):
        labels, prev = [], None
        for wid in word_ids:
            if wid is None or wid == prev:
                labels.append(-100)
            else:
                labels.append(tag2id[tags[wid]])
            prev = wid
        return labels

    def __call__(self, examples):
        enc = self.tok([ex["words"] for ex in examples], is_split_into_words=True,
                       truncation=True, max_length=self.max_len, padding="longest",
                       return_tensors="pt")
        slot_labels = []
        for i, ex in enumerate(examples):
            aligned = self.align(enc.word_ids(i), ex["tags"])
            slot_labels.append(aligned + [-100] * (self.max_len - len(aligned)))
        enc["slot_labels"] = torch.tensor(slot_labels)
        enc["intent_labels"] = torch.tensor([ex["intent"] for ex in examples])
        return enc


class JointIntentSlotModel(nn.Module):
    def __init__(self, config, n_intents, n_slots):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=True)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.intent_head = nn.Linear(config.hidden_size, n_intents)
        self.slot_head = nn.Linear(config.hidden_size, n_slots)
        self.n_slots = n_slots

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        seq = self.dropout(out.last_hidden_state)
        return self.intent_head(self.dropout(out.pooler_output)), self.slot_head(seq)


cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
model = JointIntentSlotModel(cfg, len(INTENTS), len(SLOT_TAGS))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
slot_loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
intent_loss_fn = nn.CrossEntropyLoss()

train_data = list(sample_utterances(48))
loader = DataLoader(train_data, batch_size=BATCH_SIZE, shuffle=True,
                    collate_fn=JointCollator(tokenizer, MAX_LEN))

model.train()
for epoch in range(3):
    running = []
    for step, batch in enumerate(loader):
        intent_logits, slot_logits = model(batch["input_ids"], batch["attention_mask"],
                                           batch["token_type_ids"])
        loss_intent = intent_loss_fn(intent_logits, batch["intent_labels"])
        loss_slot = slot_loss_fn(slot_logits.view(-1, model.n_slots), batch["slot_labels"].view(-1))
        loss = loss_intent + loss_slot
        opt.zero_grad()
        loss.backward()
        opt.step()
        running.append(loss.item())
    print(f"epoch {epoch} mean joint loss {np.mean(running):.4f}")
