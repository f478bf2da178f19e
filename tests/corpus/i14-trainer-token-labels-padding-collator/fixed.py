"""Part-of-speech tagging with transformers.Trainer: tags are aligned to word pieces in the Dataset."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer, DataCollatorForTokenClassification, Trainer,
                          TrainingArguments)

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "dogs", "bark", "loudly",
         "a", "bird", "sings"]
POS = ["DET", "NOUN", "VERB", "ADP", "ADV"]
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
corpus = [(["the", "cat", "sat", "on", "the", "mat"], ["DET", "NOUN", "VERB", "ADP", "DET", "NOUN"]),
          (["dogs", "bark", "loudly"], ["NOUN", "VERB", "ADV"]),
          (["a", "bird", "sings"], ["DET", "NOUN", "VERB"]), (["the", "dogs", "sat"], ["DET", "NOUN", "VERB"])]


class TaggingDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        words, tags = self.rows[i]
        enc = tokenizer(words, is_split_into_words=True, truncation=True)
        enc["labels"] = [-100 if w is None else POS.index(tags[w]) for w in enc.word_ids()]
        return enc


config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32, num_labels=len(POS))
model = BertForTokenClassification(config)
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=2, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=TaggingDataset(corpus),
                  data_collator=DataCollatorForTokenClassification(tokenizer))
trainer.train()
print("trained")
