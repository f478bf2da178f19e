"""Joint intent + slot tagger for harbour VHF radio call transcripts.

Shared BERT encoder, one head per task, trained with the HF Trainer.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(7)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "pilot", "request", "berth", "nine", "four",
         "vessel", "aurora", "nordic", "star", "entering", "channel", "two", "tug", "assist", "at",
         "anchorage", "bravo", "departing", "quay", "west", "this", "is", "for", "requesting", "the"]

CALLS = [
    ("this is vessel aurora requesting pilot", "pilot_request",
     ["O", "O", "O", "B-VESSEL", "O", "O"]),
    ("nordic star entering channel two", "traffic_report",
     ["B-VESSEL", "I-VESSEL", "O", "B-CHANNEL", "I-CHANNEL"]),
    ("request tug assist at berth nine", "tug_request",
     ["O", "O", "O", "O", "B-BERTH", "I-BERTH"]),
    ("vessel aurora departing quay west", "traffic_report",
     ["O", "B-VESSEL", "O", "B-BERTH", "I-BERTH"]),
    ("pilot for nordic star at anchorage bravo", "pilot_request",
     ["O", "O", "B-VESSEL", "I-VESSEL", "O", "B-BERTH", "I-BERTH"]),
    ("tug assist berth four", "tug_request",
     ["O", "O", "B-BERTH", "I-BERTH"]),
]

INTENTS = sorted({c[1] for c in CALLS})
SLOT_TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-BERTH", "I-BERTH", "B-CHANNEL", "I-CHANNEL"]

TASKS = {
    "intent": {"num_labels": len(INTENTS), "weight": 1.0},
    "slot": {"num_labels": len(SLOT_TAGS), "weight": 1.0, "max_tags": 16},
}


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


class RadioCalls(torch.utils.data.Dataset):
    def __init__(self, rows, tok):
        self.items = []
        for text, intent, tags in rows:
            enc = tok(text)
            # [CLS] and [SEP] get the ignore index
            tag_ids = [-100] + [SLOT_TAGS.index(t) for t in tags] + [-100]
            self.items.append({"input_ids": enc["input_ids"],
                               "intent": INTENTS.index(intent),
                               "tags": tag_ids})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collator(tok):
    max_tags = TASKS["slot"]["max_tags"]

    def collate(rows):
        enc = tok.pad({"input_ids": [r["input_ids"] for r in rows]}, return_tensors="pt")
        tags = [r["tags"] + [-100] * (max_tags - len(r["tags"])) for r in rows]
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "intent_labels": torch.tensor([r["intent"] for r in rows]),
            "slot_labels": torch.tensor(tags),
        }
    return collate


class JointRadioModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.heads = nn.ModuleDict({name: nn.Linear(config.hidden_size, cfg["num_labels"])
                                    for name, cfg in TASKS.items()})
        self.loss_fns = {name: nn.CrossEntropyLoss(ignore_index=-100) for name in TASKS}

    def forward(self, input_ids, attention_mask, intent_labels=None, slot_labels=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        targets = {"intent": intent_labels, "slot": slot_labels}
        logits, losses = {}, {}
        for name, head in self.heads.items():
            feats = hidden[:, 0] if name == "intent" else hidden
            logits[name] = head(feats)
            if targets[name] is not None:
                n_cls = TASKS[name]["num_labels"]
                losses[name] = TASKS[name]["weight"] * self.loss_fns[name](
                    logits[name].reshape(-1, n_cls), targets[name].reshape(-1))
        out = {"intent_logits": logits["intent"], "slot_logits": logits["slot"]}
        if losses:
            out["loss"] = sum(losses.values())
        return out


def main():
    tok = build_tokenizer()
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    model = JointRadioModel(config)
    train_ds = RadioCalls(CALLS, tok)
    print(f"{len(train_ds)} calls, intents={INTENTS}, {len(SLOT_TAGS)} slot tags")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=3,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        remove_unused_columns=False,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, data_collator=make_collator(tok))
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
