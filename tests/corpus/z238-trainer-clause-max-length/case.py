import os
import random
import tempfile

from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
scratch = tempfile.mkdtemp(prefix="clauses_")

CLAUSE_TYPES = ["termination", "confidentiality", "liability", "payment"]
CLAUSES = {
    "termination": [
        "either party may terminate this agreement with thirty days written notice",
        "this agreement terminates automatically upon insolvency of the supplier",
        "the customer may end the contract for material breach not cured within ten days",
    ],
    "confidentiality": [
        "the recipient shall not disclose confidential information to any third party",
        "all proprietary data remains the property of the disclosing party",
        "obligations of secrecy survive expiry of this agreement for five years",
    ],
    "liability": [
        "in no event shall either party be liable for indirect or consequential damages",
        "total liability is limited to the fees paid in the preceding twelve months",
        "the supplier shall indemnify the customer against third party claims",
    ],
    "payment": [
        "invoices are payable within thirty days of receipt",
        "late payments accrue interest at two percent per month",
        "the customer shall pay all fees in advance each quarter",
    ],
}


def build_vocab(texts, path):
    tokens = sorted({w for t in texts for w in t.split()})
    with open(path, "w") as fh:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens:
            fh.write(t + "\n")
    return BertTokenizer(path)


all_texts = [t for group in CLAUSES.values() for t in group]
tokenizer = build_vocab(all_texts, os.path.join(scratch, "vocab.txt"))
type_to_id = {name: i for i, name in enumerate(CLAUSE_TYPES)}


def tokenize_clause(text, kind, max_length=128):
    features = tokenizer(text, padding="max_length", truncation=True, max_length=max_length)
    features["labels"] = type_to_id[kind]
    return dict(features)


records = [tokenize_clause(t, kind) for kind, group in CLAUSES.items() for t in group] * 4
random.shuffle(records)
cut = int(0.75 * len(records))
train_records, dev_records = records[:cut], records[cut:]

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(CLAUSE_TYPES),
    id2label=dict(enumerate(CLAUSE_TYPES)),
    label2id=type_to_id,
)
clause_model = BertForSequenceClassification(config)

training_args = TrainingArguments(
    output_dir=os.path.join(scratch, "run"),
    num_train_epochs=1,
    per_device_train_batch_size=6,
    per_device_eval_batch_size=6,
    learning_rate=3e-4,
    eval_strategy="epoch",
    save_strategy="no",
    logging_strategy="epoch",
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
)

trainer = Trainer(
    model=clause_model,
    args=training_args,
    train_dataset=train_records,
    eval_dataset=dev_records,
)
trainer.train()
print(trainer.evaluate())
