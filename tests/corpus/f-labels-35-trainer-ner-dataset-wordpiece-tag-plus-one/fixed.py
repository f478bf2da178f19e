"""Named-entity tagger for shipping notices: a tiny BERT fine-tuned with the HF Trainer, one label per word piece."""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer, DataCollatorForTokenClassification,
                          Trainer, TrainingArguments)

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
INSIDE = {TAG2ID[t]: TAG2ID["I-" + t[2:]] for t in TAGS if t.startswith("B-")}

SENTENCES = [
    ("maria lopez signed for the parcel".split(), ["B-PER", "I-PER", "O", "O", "O", "O"]),
    ("fedex delayed the crate".split(), ["B-ORG", "O", "O", "O"]),
    ("pallets leave rotterdam on monday".split(), ["O", "O", "B-LOC", "O", "O"]),
    ("acme logistics ships to new hampshire".split(), ["B-ORG", "I-ORG", "O", "O", "B-LOC", "I-LOC"]),
    ("jan devries called from hamburg".split(), ["B-PER", "I-PER", "O", "O", "B-LOC"]),
    ("the driver from maersk waited".split(), ["O", "O", "O", "B-ORG", "O"]),
]
PIECES = ["maria", "lo", "##pez", "signed", "for", "the", "parcel", "fed", "##ex", "delayed", "crate", "pallets",
          "leave", "rotter", "##dam", "on", "monday", "acme", "logistics", "ships", "to", "new", "hamp", "##shire",
          "jan", "dev", "##ries", "called", "from", "ham", "##burg", "driver", "mae", "##rsk", "waited"]


class ShippingNER(Dataset):
    def __init__(self, sentences, tokenizer):
        self.sentences = sentences
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.sentences)

    def __getitem__(self, idx):
        words, tags = self.sentences[idx]
        enc = self.tokenizer(words, is_split_into_words=True, truncation=True, max_length=24)
        labels, previous = [], None
        for word_id in enc.word_ids():
            if word_id is None:
                labels.append(-100)
                continue
            lab = TAG2ID[tags[word_id]]
            if word_id == previous:
                lab = INSIDE.get(lab, lab)
            labels.append(lab)
            previous = word_id
        enc["labels"] = labels
        return enc


workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES) + "\n")
tokenizer = BertTokenizer(vocab_path)

torch.manual_seed(0)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32, num_labels=len(TAGS),
                    id2label=dict(enumerate(TAGS)), label2id=TAG2ID)
model = BertForTokenClassification(config)
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=3, num_train_epochs=1, learning_rate=5e-4,
                         report_to=[], use_cpu=True, save_strategy="no", disable_tqdm=True, seed=0)
trainer = Trainer(model=model, args=args, train_dataset=ShippingNER(SENTENCES, tokenizer),
                  data_collator=DataCollatorForTokenClassification(tokenizer))
trainer.train()
print("final loss", trainer.state.log_history[-1]["train_loss"])
