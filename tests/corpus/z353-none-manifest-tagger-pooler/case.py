"""Tag fields (port codes, container ids, weights) in freight manifest lines."""
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

TAGS = ["O", "B-PORT", "B-CONTAINER", "B-WEIGHT", "B-CARRIER"]
PORTS = ["rotterdam", "hamburg", "antwerp", "felixstowe", "valencia", "gdansk"]
CARRIERS = ["maersk", "msc", "cosco", "evergreen", "hapag"]
FILLER = ["shipped", "from", "to", "via", "gross", "kg", "loaded", "on", "vessel", "by", "container"]
MAX_LEN = 32

random.seed(7)
torch.manual_seed(7)


def make_line():
    words, tags = [], []
    for chunk in random.sample(["port", "cont", "weight", "carrier"], k=3):
        words.append(random.choice(FILLER)); tags.append("O")
        if chunk == "port":
            words.append(random.choice(PORTS)); tags.append("B-PORT")
        elif chunk == "cont":
            words.append("cont" + str(random.randint(0, 9))); tags.append("B-CONTAINER")
        elif chunk == "weight":
            words.append(str(random.randint(100, 999))); tags.append("B-WEIGHT")
        else:
            words.append(random.choice(CARRIERS)); tags.append("B-CARRIER")
    return words, tags


def write_vocab(folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PORTS + CARRIERS + FILLER
    vocab += ["cont" + str(i) for i in range(10)] + [str(i) for i in range(100, 1000)]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class ManifestLines(Dataset):
    def __init__(self, tokenizer, n_lines):
        self.items = []
        for _ in range(n_lines):
            words, tags = make_line()
            enc = tokenizer(words, is_split_into_words=True, padding="max_length",
                            truncation=True, max_length=MAX_LEN, return_tensors="pt")
            tag_ids = [-100] + [TAGS.index(t) for t in tags] + [-100]
            tag_ids += [-100] * (MAX_LEN - len(tag_ids))
            self.items.append({
                "input_ids": enc["input_ids"][0],
                "attention_mask": enc["attention_mask"][0],
                "labels": torch.tensor(tag_ids[:MAX_LEN]),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class ManifestTagger(nn.Module):
    def __init__(self, config, num_tags):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, num_tags)
        self.num_tags = num_tags
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, labels=None):
        outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        token_states = outputs[1]
        logits = self.head(self.dropout(token_states))
        loss = None
        if labels is not None:
            loss = self.loss_fn(logits.view(-1, self.num_tags), labels.view(-1))
        return {"loss": loss, "logits": logits}


def main():
    workdir = tempfile.mkdtemp(prefix="manifest_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = ManifestTagger(config, num_tags=len(TAGS))

    train_set = ManifestLines(tokenizer, 16)
    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=4,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set)
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
