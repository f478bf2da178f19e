"""Route citizen questions from the city helpdesk chat to a canonical knowledge-base answer.
Tiny random-weight BERT, fine-tuned with the HF Trainer as a quick pipeline check."""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(11)

# export of the KB sheet: several departments filed the same answer text
KB_EXPORT = [
    "Bulky waste pickup can be booked online up to two weeks ahead.",
    "Parking permits are renewed at the citizen office or online.",
    "Bulky waste pickup can be booked online up to two weeks ahead.",
    "Dog licences cost 60 euros per year and are paid by direct debit.",
    "Report broken street lights through the city app.",
    "Parking permits are renewed at the citizen office or online.",
    "Swimming pool opening hours change during school holidays.",
    "Report broken street lights through the city app.",
    "Building permit applications need a certified floor plan.",
    "Dog licences cost 60 euros per year and are paid by direct debit.",
]

# chat log: question text and the KB row the agent linked in their reply
CHAT_LOG = [
    ("how do i get rid of an old sofa", 2),
    ("my resident parking permit expires next week", 1),
    ("the lamp outside number 14 is not working", 7),
    ("how much is the yearly dog tax", 9),
    ("is the pool open in the easter holidays", 6),
    ("what documents do i need to build a garage", 8),
    ("can i book a mattress collection", 0),
    ("renew parking permit for second car", 5),
    ("street light flickering all night", 4),
    ("registering a puppy fee", 3),
    ("pool hours summer", 6),
    ("garden shed permit floor plan", 8),
]


def dedupe_kb(rows):
    """Keep the first occurrence of every answer text, preserving order."""
    seen, out = set(), []
    for r in rows:
        key = r.strip().lower()
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def build_tokenizer(texts, workdir):
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class HelpdeskDataset(Dataset):
    def __init__(self, pairs, tokenizer):
        self.enc = [tokenizer(q, truncation=True, max_length=32) for q, _ in pairs]
        self.targets = [gold for _, gold in pairs]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = dict(self.enc[i])
        item["labels"] = self.targets[i]
        return item


def main():
    workdir = tempfile.mkdtemp()
    answers = dedupe_kb(KB_EXPORT)
    print(f"KB rows={len(KB_EXPORT)} unique answers={len(answers)} chats={len(CHAT_LOG)}")

    tokenizer = build_tokenizer([q for q, _ in CHAT_LOG], workdir)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(answers))
    model = BertForSequenceClassification(config)

    train_ds = HelpdeskDataset(CHAT_LOG, tokenizer)
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=3,
                             per_device_train_batch_size=4, learning_rate=5e-4, logging_steps=3,
                             save_strategy="no", disable_tqdm=True, report_to=[], use_cpu=True, seed=11)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    print(f"train loss {result.training_loss:.4f}")

    model.eval()
    probe = tokenizer(["sofa collection", "dog fee"], padding=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).tolist()
    for q, p in zip(["sofa collection", "dog fee"], pred):
        print(f"{q!r} -> {answers[p]}")


if __name__ == "__main__":
    main()
