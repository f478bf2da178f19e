"""Multi-domain ticket router for a freight forwarder.

One shared BERT encoder, one classification head per inbox (vessel incident desk,
customs desk). Trained with the HF Trainer so we get the usual logging/scheduling.
"""
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments, set_seed

set_seed(13)

LABEL_SETS = {
    "vessel_incident": ["engine_fault", "cargo_shift", "collision", "crew_injury", "weather_delay", "port_closure"],
    "customs_desk": ["tariff_query", "docs_missing", "duty_refund"],
}
DOMAIN_IDS = {name: i for i, name in enumerate(sorted(LABEL_SETS))}

RAW = [
    ("vessel_incident", "Main engine overheating after departure from Rotterdam, speed reduced", "engine_fault"),
    ("vessel_incident", "Containers on bay 14 shifted during heavy roll, lashing inspected", "cargo_shift"),
    ("vessel_incident", "Minor contact with pilot boat while berthing, no hull breach", "collision"),
    ("vessel_incident", "Deckhand injured his hand on the winch, first aid given", "crew_injury"),
    ("vessel_incident", "Gale warning in the Biscay, ETA pushed by two days", "weather_delay"),
    ("vessel_incident", "Port of Antwerp closed due to strike, vessel at anchor", "port_closure"),
    ("vessel_incident", "Auxiliary generator tripped twice, engineers on it", "engine_fault"),
    ("vessel_incident", "Fog and swell forced us to hold outside the breakwater", "weather_delay"),
    ("customs_desk", "Which tariff code applies to frozen shrimp from Vietnam", "tariff_query"),
    ("customs_desk", "Commercial invoice missing for the shipment held at Felixstowe", "docs_missing"),
    ("customs_desk", "Requesting refund of duty paid twice on the same entry", "duty_refund"),
    ("customs_desk", "Packing list not attached, broker cannot file the entry", "docs_missing"),
    ("customs_desk", "Is there a reduced tariff for recycled plastic pellets", "tariff_query"),
    ("customs_desk", "Duty overpaid on returned goods, how do we claim it back", "duty_refund"),
    ("vessel_incident", "Crew member slipped on wet deck and hurt his knee", "crew_injury"),
    ("customs_desk", "Certificate of origin missing so preferential tariff denied", "docs_missing"),
]


def write_vocab(texts):
    words = set()
    for t in texts:
        words.update(re.findall(r"\w+|[^\w\s]", t.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


class TicketSet(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.items = []
        for domain, text, label in rows:
            enc = tokenizer(text, padding="max_length", truncation=True, max_length=max_len)
            self.items.append({
                "input_ids": enc["input_ids"],
                "attention_mask": enc["attention_mask"],
                "domain": DOMAIN_IDS[domain],
                "labels": LABEL_SETS[domain].index(label),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class MultiInboxRouter(nn.Module):
    def __init__(self, config, label_sets):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.domain_names = sorted(label_sets)
        self.heads = nn.ModuleList(
            [nn.Linear(config.hidden_size, len(label_sets[name])) for name in self.domain_names]
        )

    def forward(self, input_ids, attention_mask, domain, labels=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        cls_vec = self.dropout(hidden[:, 0])
        total = cls_vec.new_zeros(())
        for d in domain.unique().tolist():
            rows = domain == d
            logits = self.heads[d](cls_vec[rows])
            if labels is not None:
                total = total + F.cross_entropy(logits, labels[rows], reduction="sum")
        return {"loss": total / input_ids.size(0)}


def main():
    vocab_path = write_vocab([text for _, text, _ in RAW])
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    train_set = TicketSet(RAW, tok)
    print(f"{len(train_set)} tickets across {len(LABEL_SETS)} inboxes")

    model = MultiInboxRouter(cfg, LABEL_SETS)
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=8,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set)
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
