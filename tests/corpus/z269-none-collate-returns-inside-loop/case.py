import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(5)
torch.manual_seed(5)

TOPICS = ["sports", "politics", "tech"]
HEADLINES = {
    "sports": ["striker scores twice in derby win", "coach resigns after cup exit",
               "sprinter breaks national record", "late goal seals title race",
               "injury rules captain out of final", "rookie pitcher throws shutout"],
    "politics": ["parliament passes budget bill", "minister faces confidence vote",
                 "senate delays tax reform", "mayor announces reelection bid",
                 "opposition demands early election", "coalition talks collapse again"],
    "tech": ["chipmaker unveils faster processor", "startup raises funding for robots",
             "phone update fixes battery drain", "cloud outage hits online stores",
             "new browser blocks trackers", "open source model tops benchmark"],
}
records = [{"headline": h, "topic": TOPICS.index(t)} for t in TOPICS for h in HEADLINES[t]]
random.shuffle(records)

tmpdir = tempfile.mkdtemp()
vocab = sorted({w for r in records for w in r["headline"].split()})
with open(os.path.join(tmpdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(tmpdir, "vocab.txt"))


class HeadlineSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def collate_headlines(examples):
    enc = tokenizer([ex["headline"] for ex in examples], padding="longest",
                    truncation=True, max_length=24, return_tensors="pt")
    topic_ids = []
    for ex in examples:
        topic_ids.append(ex["topic"])
        enc["labels"] = torch.tensor(topic_ids)
        return dict(enc)


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(TOPICS))
clf = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=os.path.join(tmpdir, "out"),
    per_device_train_batch_size=6,
    num_train_epochs=3,
    learning_rate=1e-3,
    logging_steps=3,
    save_strategy="no",
    report_to=[],
    disable_tqdm=True,
    use_cpu=True,
    remove_unused_columns=False,
)
trainer = Trainer(model=clf, args=args, train_dataset=HeadlineSet(records[:15]),
                  eval_dataset=HeadlineSet(records[15:]), data_collator=collate_headlines)
trainer.train()
print(trainer.evaluate())
