"""Tag the fields of shipping addresses (street, city, zip) with a tiny BERT and the HF Trainer."""
import os
import tempfile
from dataclasses import dataclass

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast, Trainer, TrainingArguments

torch.manual_seed(0)
TAGS = ["O", "B-STREET", "I-STREET", "B-CITY", "I-CITY", "B-ZIP"]
TAG2ID = {tag: i for i, tag in enumerate(TAGS)}
MAX_LEN = 12

ADDRESSES = [
    ("12 baker street london nw1", "B-STREET I-STREET I-STREET B-CITY B-ZIP"),
    ("please deliver to 4 elm road leeds ls2", "O O O B-STREET I-STREET I-STREET B-CITY B-ZIP"),
    ("flat 3 90 high street new york 10001", "O O B-STREET I-STREET I-STREET B-CITY I-CITY B-ZIP"),
    ("leave the parcel with the neighbour at 7 mill lane york yo1 if nobody is home",
     "O O O O O O O B-STREET I-STREET I-STREET B-CITY B-ZIP O O O O"),
    ("22 station road bath ba1", "B-STREET I-STREET I-STREET B-CITY B-ZIP"),
    ("to 5 park avenue new york 10022", "O B-STREET I-STREET I-STREET B-CITY I-CITY B-ZIP"),
]


def write_vocab(folder):
    words = sorted({w for text, _ in ADDRESSES for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def align_tags(tokenizer, words, tags):
    """First word piece of each word gets the word's tag, everything else -100."""
    word_ids = tokenizer(words, is_split_into_words=True).word_ids()
    labels, previous = [], None
    for wid in word_ids:
        labels.append(-100 if wid is None or wid == previous else TAG2ID[tags[wid]])
        previous = wid
    return labels


class AddressDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.features = []
        for text, tag_line in rows:
            words, tags = text.split(), tag_line.split()
            enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=MAX_LEN)
            self.features.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                                  "labels": align_tags(tokenizer, words, tags)})

    def __len__(self):
        return len(self.features)

    def __getitem__(self, i):
        return self.features[i]


@dataclass
class TagCollator:
    pad_token_id: int

    def __call__(self, features):
        def pad(key, value):
            return pad_sequence([torch.tensor(f[key]) for f in features], batch_first=True, padding_value=value)
        return {"input_ids": pad("input_ids", self.pad_token_id), "attention_mask": pad("attention_mask", 0),
                "labels": pad("labels", -100)}


workdir = tempfile.mkdtemp()
tokenizer = BertTokenizerFast(write_vocab(workdir))
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
args = TrainingArguments(output_dir=os.path.join(workdir, "out"), report_to=[], num_train_epochs=1,
                         per_device_train_batch_size=8, use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = Trainer(model=BertForTokenClassification(config), args=args,
                  train_dataset=AddressDataset(ADDRESSES, tokenizer),
                  data_collator=TagCollator(tokenizer.pad_token_id))
trainer.train()
print("trained on", len(ADDRESSES), "addresses")
