"""Fine-tune a small BERT to map shipment descriptions to customs tariff chapters,
save it as a plain state dict + json config, then serve it from that directory."""
import json
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(7)

CHAPTERS = ["ch61_apparel", "ch84_machinery", "ch09_coffee_tea_spices"]
WORDS = ("cotton knitted shirts women men pullover jersey wool pump centrifugal valve "
         "bearing gear motor spare parts roasted coffee beans green tea leaves cardamom "
         "pepper ground whole bags cartons pallet of for and with stainless steel").split()

TRAIN = [
    ("cotton knitted shirts for women", 0), ("wool pullover jersey men", 0),
    ("knitted cotton jersey shirts cartons", 0), ("centrifugal pump with stainless steel", 1),
    ("spare parts gear bearing motor", 1), ("valve and pump spare parts pallet", 1),
    ("roasted coffee beans bags", 2), ("green tea leaves cartons", 2),
    ("whole cardamom and ground pepper", 2), ("motor bearing for centrifugal pump", 1),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


class DeclarationSet(Dataset):
    def __init__(self, rows, tokenizer, max_length):
        self.items = []
        for text, chapter in rows:
            enc = tokenizer(text, truncation=True, max_length=max_length)
            enc["labels"] = chapter
            self.items.append(enc)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def train_and_save(out_dir):
    tok = BertTokenizer(write_vocab(out_dir))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(CHAPTERS))
    model = BertForSequenceClassification(cfg)
    args = TrainingArguments(output_dir=os.path.join(out_dir, "runs"), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4, save_strategy="no",
                             logging_steps=50, disable_tqdm=True, report_to=[], use_cpu=True)
    trainer = Trainer(model=model, args=args, train_dataset=DeclarationSet(TRAIN, tok, 32),
                      data_collator=DataCollatorWithPadding(tok))
    result = trainer.train()
    print(f"train loss {result.training_loss:.4f}")
    torch.save(model.state_dict(), os.path.join(out_dir, "weights.pt"))
    with open(os.path.join(out_dir, "serving.json"), "w") as fh:
        json.dump({"bert": cfg.to_dict(), "chapters": CHAPTERS}, fh)


class Predictor:
    def __init__(self, model, tokenizer, chapters, max_length, batch_size, work_dir):
        self.tokenizer = tokenizer
        self.chapters = chapters
        self.max_length = max_length
        self.runner = Trainer(
            model=model.eval(),
            args=TrainingArguments(output_dir=work_dir, per_device_eval_batch_size=batch_size,
                                   disable_tqdm=True, report_to=[], use_cpu=True),
            data_collator=DataCollatorWithPadding(tokenizer),
        )

    @classmethod
    def from_dir(cls, path, max_length=None, batch_size=8):
        with open(os.path.join(path, "serving.json")) as fh:
            saved = json.load(fh)
        bert_cfg = BertConfig(**saved["bert"])
        max_length = max_length or bert_cfg.max_position_embeddings
        model = BertForSequenceClassification(bert_cfg)
        model.load_state_dict(torch.load(os.path.join(path, "weights.pt"), map_location="cpu"))
        tokenizer = BertTokenizer(os.path.join(path, "vocab.txt"))
        return cls(model, tokenizer, saved["chapters"], max_length, batch_size,
                   os.path.join(path, "serve"))

    def predict_batch(self, descriptions):
        feats = [dict(self.tokenizer(d, truncation=True, max_length=self.max_length))
                 for d in descriptions]
        out = self.runner.predict(feats)
        probs = torch.softmax(torch.as_tensor(out.predictions), dim=-1)
        conf, idx = probs.max(dim=-1)
        return [{"chapter": self.chapters[i], "confidence": round(c, 3)}
                for i, c in zip(idx.tolist(), conf.tolist())]


if __name__ == "__main__":
    workdir = tempfile.mkdtemp(prefix="tariff_")
    train_and_save(workdir)

    predictor = Predictor.from_dir(workdir)
    # a few requests captured from the broker feed
    manifest = " ".join(["pallet of cartons with roasted coffee beans bags and green tea leaves"] * 8)
    incoming = ["knitted cotton shirts for men", "centrifugal pump spare parts", manifest]
    for text, pred in zip(incoming, predictor.predict_batch(incoming)):
        print(f"{pred['chapter']:>24} ({pred['confidence']}) <- {text[:50]}")
