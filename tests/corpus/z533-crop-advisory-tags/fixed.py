"""Multi-label tagging of farmer questions sent to the extension hotline.
Tags are rare and imbalanced, so the BCE loss gets a per-tag pos_weight."""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(11)

TAGS = ["pest", "drought", "soil", "fungus", "market"]

QUESTIONS = [
    ("aphids all over the bean leaves what spray is safe", ["pest"]),
    ("no rain for six weeks maize leaves rolling", ["drought"]),
    ("soil is hard and cracked after the dry spell", ["soil", "drought"]),
    ("white powder on squash leaves spreading fast", ["fungus"]),
    ("price of tomatoes at the district market dropped", ["market"]),
    ("stem borer holes in sorghum and leaves yellow", ["pest"]),
    ("black spots on mango fruit after the rains", ["fungus"]),
    ("should i lime the field the soil test says acidic", ["soil"]),
    ("locusts seen near the village will they reach the farm", ["pest"]),
    ("cassava wilting in dry weather and roots rotting", ["drought", "fungus"]),
    ("where can i sell coffee cherries for a better price", ["market"]),
    ("maize yellowing and soil looks poor what fertilizer", ["soil"]),
    ("caterpillars eating cabbage heads at night", ["pest"]),
    ("irrigation pump broke and the crop is drying", ["drought"]),
    ("mould on stored beans and buyers refuse them", ["fungus", "market"]),
    ("termites in the groundnut field and sandy soil", ["pest", "soil"]),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")
    return path


def multi_hot(tag_list):
    return [1.0 if t in tag_list else 0.0 for t in TAGS]


class HotlineDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([q for q, _ in rows], truncation=True, max_length=32)
        self.targets = [multi_hot(tags) for _, tags in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.targets[i]
        return item


def label_pos_weight(label_matrix):
    # negatives / positives, so a rare tag counts more when it does show up
    positives = label_matrix.sum(dim=0)
    negatives = label_matrix.shape[0] - positives
    return negatives / positives.clamp(min=1.0)


class WeightedTagTrainer(Trainer):
    def __init__(self, *args, pos_weight=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pos_weight = pos_weight

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels").float()
        outputs = model(**inputs)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=self.pos_weight.to(outputs.logits.device))
        loss = loss_fn(outputs.logits, gold)
        return (loss, outputs) if return_outputs else loss


def main():
    vocab_path = write_vocab([q for q, _ in QUESTIONS])
    tokenizer = BertTokenizer(vocab_path)
    train_ds = HotlineDataset(QUESTIONS, tokenizer)

    label_matrix = torch.tensor(train_ds.targets)
    pos_weight = label_pos_weight(label_matrix)
    print("tag counts:", dict(zip(TAGS, label_matrix.sum(0).int().tolist())))
    print("pos_weight:", [round(w, 2) for w in pos_weight.tolist()])

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS), problem_type="multi_label_classification")
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=2,
                             save_strategy="no", disable_tqdm=True, report_to=[], use_cpu=True)
    trainer = WeightedTagTrainer(model=model, args=args, train_dataset=train_ds,
                                 data_collator=DataCollatorWithPadding(tokenizer),
                                 pos_weight=pos_weight)
    result = trainer.train()
    print(f"final train loss {result.training_loss:.4f}")

    model.eval()
    probe = tokenizer(["fungus on the leaves and no rain"], return_tensors="pt")
    with torch.no_grad():
        probs = torch.sigmoid(model(**probe).logits)[0]
    print({t: round(p, 3) for t, p in zip(TAGS, probs.tolist())})


if __name__ == "__main__":
    main()
