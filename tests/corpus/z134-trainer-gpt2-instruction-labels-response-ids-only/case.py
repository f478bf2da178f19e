"""Instruction-tune a tiny word-level GPT-2 on prompt/response pairs with the HF Trainer."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast, Trainer, TrainingArguments

torch.manual_seed(0)
OUT_DIR = tempfile.mkdtemp()

PAIRS = [
    ("translate to french : good morning", "bonjour"),
    ("translate to french : thank you very much", "merci beaucoup"),
    ("capital of italy ?", "rome"),
    ("capital of spain ?", "madrid is the capital"),
    ("opposite of hot ?", "cold"),
    ("translate to french : see you tomorrow", "a demain"),
]
SPECIALS = ["<pad>", "<unk>", "<eos>"]


def build_tokenizer(pairs):
    words = sorted({w for p, r in pairs for w in (p + " " + r).split()})
    vocab = {tok: i for i, tok in enumerate(SPECIALS + words)}
    backend = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>", unk_token="<unk>",
                                   eos_token="<eos>")


class InstructionDataset(torch.utils.data.Dataset):
    def __init__(self, pairs, tok):
        self.items = []
        for prompt, response in pairs:
            prompt_ids = tok(prompt)["input_ids"]
            response_ids = tok(response)["input_ids"] + [tok.eos_token_id]
            # the loss should only cover the response, so only its ids go into the labels
            self.items.append({"input_ids": prompt_ids + response_ids, "labels": response_ids})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def make_collator(pad_id):
    def collate(features):
        width = max(len(f["input_ids"]) for f in features)
        label_width = max(len(f["labels"]) for f in features)
        ids = [f["input_ids"] + [pad_id] * (width - len(f["input_ids"])) for f in features]
        mask = [[1] * len(f["input_ids"]) + [0] * (width - len(f["input_ids"])) for f in features]
        labels = [f["labels"] + [-100] * (label_width - len(f["labels"])) for f in features]
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask),
                "labels": torch.tensor(labels)}
    return collate


tok = build_tokenizer(PAIRS)
train_set = InstructionDataset(PAIRS, tok)
lm = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_positions=32, n_embd=32, n_layer=1, n_head=2,
                                pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id))

trainer = Trainer(
    model=lm,
    args=TrainingArguments(output_dir=os.path.join(OUT_DIR, "sft"), per_device_train_batch_size=3, max_steps=2,
                           learning_rate=1e-3, save_strategy="no", report_to="none", use_cpu=True,
                           disable_tqdm=True),
    train_dataset=train_set,
    data_collator=make_collator(tok.pad_token_id),
)
trainer.train()
print("done")
