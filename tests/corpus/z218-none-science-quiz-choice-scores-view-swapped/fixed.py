import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

random.seed(0)
torch.manual_seed(0)

QUIZ = [
    ("what gas do plants absorb", ["oxygen", "carbon dioxide", "helium", "neon"], 1),
    ("which planet is closest to the sun", ["mars", "venus", "mercury", "earth"], 2),
    ("what is the boiling point of water", ["100 degrees", "50 degrees", "0 degrees", "10 degrees"], 0),
    ("which organ pumps blood", ["lung", "liver", "kidney", "heart"], 3),
    ("what force pulls objects down", ["friction", "gravity", "magnetism", "tension"], 1),
    ("what is frozen water called", ["steam", "ice", "mist", "dew"], 1),
    ("which animal is a mammal", ["shark", "frog", "whale", "eagle"], 2),
    ("what do bees make", ["milk", "honey", "silk", "wax paper"], 1),
    ("which metal is liquid at room temperature", ["iron", "copper", "mercury", "zinc"], 2),
    ("what is the center of an atom", ["nucleus", "electron", "shell", "orbit"], 0),
    ("what makes a rainbow", ["light", "sound", "wind", "heat"], 0),
    ("which layer protects earth from uv", ["crust", "ozone", "mantle", "core"], 1),
] * 3

words = sorted({w for q, opts, _ in QUIZ for w in (q + " " + " ".join(opts)).split()})
workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(vocab_path)

N_OPTIONS = 4


class QuizSet(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        question, options, answer = self.rows[i]
        enc = tok([question] * N_OPTIONS, options, padding="max_length", max_length=24, truncation=True)
        return {
            "ids": torch.tensor(enc["input_ids"]),
            "attn": torch.tensor(enc["attention_mask"]),
            "answer": torch.tensor(answer),
        }


def collate(items):
    return {k: torch.stack([it[k] for it in items]) for k in items[0]}


class OptionScorer(nn.Module):
    def __init__(self, n_options):
        super().__init__()
        cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.score = nn.Linear(cfg.hidden_size, 1)
        self.n_options = n_options

    def forward(self, ids, attn, answer=None):
        flat_ids = ids.view(-1, ids.size(-1))
        flat_attn = attn.view(-1, attn.size(-1))
        cls = self.encoder(input_ids=flat_ids, attention_mask=flat_attn).last_hidden_state[:, 0]
        per_option = self.score(cls)
        option_logits = per_option.view(-1, self.n_options)
        out = {"logits": option_logits}
        if answer is not None:
            out["loss"] = F.cross_entropy(option_logits, answer)
        return out


args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=8,
    num_train_epochs=1,
    learning_rate=5e-4,
    logging_steps=2,
    report_to="none",
    use_cpu=True,
    remove_unused_columns=False,
    label_names=["answer"],
    save_strategy="no",
    disable_tqdm=True,
)
trainer = Trainer(model=OptionScorer(N_OPTIONS), args=args, train_dataset=QuizSet(QUIZ), data_collator=collate)
trainer.train()
print("done")
