"""Route veterinary clinic intake notes to the right department.

Tiny BERT classifier fine-tuned with the HF Trainer. The department mix is
skewed (lots of dermatology, very few exotics), so each example's loss is
scaled by an inverse-frequency weight of its class.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(7)

DEPARTMENTS = ["dermatology", "dental", "orthopedics", "internal_medicine", "exotics"]
NUM_LABELS = len(DEPARTMENTS)

TRAIN_NOTES = [
    ("dog scratching ears and paws red rash", 0),
    ("itchy skin hair loss on the back", 0),
    ("hot spot on neck licking constantly", 0),
    ("flaky skin and rash after new shampoo", 0),
    ("bad breath and tartar on molars", 1),
    ("broken tooth bleeding gums", 1),
    ("limping on hind leg after jump", 2),
    ("swollen knee will not bear weight", 2),
    ("vomiting and not eating for two days", 3),
    ("drinking a lot of water weight loss", 3),
    ("diarrhea and lethargy since monday", 3),
    ("ear rash and scratching at night", 0),
]
VAL_NOTES = [
    ("rash on belly and scratching", 0),
    ("tartar and bad breath", 1),
    ("bearded dragon not eating lethargic", 4),
    ("parrot plucking feathers", 4),
    ("limping on front leg", 2),
    ("vomiting after eating grass", 3),
]


def write_vocab(notes, folder):
    words = sorted({w for text, _ in notes for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def encode(notes, tokenizer):
    rows = []
    for text, dept in notes:
        enc = tokenizer(text, truncation=True, max_length=32)
        enc["labels"] = dept
        rows.append(dict(enc))
    return rows


def inverse_frequency(label_ids):
    counts = torch.bincount(label_ids, minlength=NUM_LABELS)
    # add-one smoothing so a rare class does not blow up the loss
    return len(label_ids) / (len(counts) * (counts.float() + 1.0))


class WeightedTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        targets = inputs.pop("labels")
        outputs = model(**inputs)
        per_example = F.cross_entropy(outputs.logits, targets, reduction="none")
        scale = self.class_weights.to(per_example.device)[targets]
        loss = (per_example * scale).sum() / scale.sum()
        return (loss, outputs) if return_outputs else loss


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(TRAIN_NOTES + VAL_NOTES, workdir))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=NUM_LABELS)
    model = BertForSequenceClassification(config)

    train_rows = encode(TRAIN_NOTES, tokenizer)
    val_rows = encode(VAL_NOTES, tokenizer)

    train_targets = torch.tensor([r["labels"] for r in train_rows])
    weights = inverse_frequency(train_targets)
    print("class weights:", [round(w, 3) for w in weights.tolist()])

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=3,
                             learning_rate=5e-4, logging_steps=2, save_strategy="no",
                             report_to=[], use_cpu=True, seed=7)
    trainer = WeightedTrainer(model=model, args=args, train_dataset=train_rows,
                              eval_dataset=val_rows,
                              data_collator=DataCollatorWithPadding(tokenizer),
                              class_weights=weights)
    trainer.train()
    metrics = trainer.evaluate()
    print("validation:", metrics)


if __name__ == "__main__":
    main()
