"""Domain-adaptive MLM pre-training of our small in-house BERT on new product descriptions.

The architecture settings are the ones checked into the model repo (model/config.json, pasted below);
the WordPiece vocabulary is rebuilt from the current catalogue every release.
"""
import json
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForMaskedLM, BertTokenizer, DataCollatorForLanguageModeling, Trainer,
                          TrainingArguments)

SAVED_CONFIG = """{
  "architectures": ["BertForMaskedLM"],
  "hidden_size": 32,
  "num_hidden_layers": 1,
  "num_attention_heads": 2,
  "intermediate_size": 64,
  "max_position_embeddings": 64,
  "vocab_size": 40,
  "hidden_dropout_prob": 0.1
}"""

CATALOGUE = [
    "stainless steel water bottle keeps drinks cold for twelve hours",
    "wireless noise cancelling headphones with a soft carrying case",
    "organic cotton t shirt in five colours machine washable",
    "ceramic pour over coffee dripper with paper filters included",
    "waterproof hiking backpack with a padded laptop sleeve",
    "bamboo cutting board set with juice groove and handles",
    "rechargeable led desk lamp with three brightness levels",
    "merino wool running socks that stay dry on long runs",
]


class Descriptions(Dataset):
    def __init__(self, texts, tokenizer):
        self.encodings = [tokenizer(t, truncation=True, max_length=32) for t in texts]

    def __len__(self):
        return len(self.encodings)

    def __getitem__(self, i):
        return dict(self.encodings[i])


def build_tokenizer(folder):
    words = sorted({w for line in CATALOGUE for w in line.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def model_settings(tokenizer):
    settings = {"vocab_size": len(tokenizer), "pad_token_id": tokenizer.pad_token_id}
    settings.update({k: v for k, v in json.loads(SAVED_CONFIG).items() if k != "architectures"})
    return settings


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="catalogue-mlm-")
    tokenizer = build_tokenizer(workdir)
    model = BertForMaskedLM(BertConfig(**model_settings(tokenizer)))
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15, seed=0)
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4, max_steps=4,
                             learning_rate=1e-3, report_to="none", use_cpu=True, save_strategy="no", seed=0,
                             disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=Descriptions(CATALOGUE, tokenizer),
                      data_collator=collator)
    trainer.train()
    print("vocabulary:", len(tokenizer), "embedding rows:", model.get_input_embeddings().num_embeddings)


if __name__ == "__main__":
    main()
