"""Causal-LM fine-tuning of a tiny GPT-2 with a Trainer subclass that computes its own loss
(label smoothing is applied by hand, so the model's built-in loss is not used)."""
import json
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer, Trainer, TrainingArguments

torch.manual_seed(0)
workdir = tempfile.mkdtemp()
symbols = ["<|endoftext|>", "Ġ"] + list("abcdefghijklmnopqrstuvwxyz")
json.dump({s: i for i, s in enumerate(symbols)}, open(os.path.join(workdir, "vocab.json"), "w"))
open(os.path.join(workdir, "merges.txt"), "w").write("#version: 0.2\n")
tokenizer = GPT2Tokenizer(os.path.join(workdir, "vocab.json"), os.path.join(workdir, "merges.txt"))
tokenizer.pad_token = tokenizer.eos_token


class LinesDataset(Dataset):
    def __init__(self, lines, block=12):
        self.items = [tokenizer(line, truncation=True, max_length=block, padding="max_length") for line in lines]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        ids = torch.tensor(self.items[i]["input_ids"])
        mask = torch.tensor(self.items[i]["attention_mask"])
        return {"input_ids": ids, "attention_mask": mask, "labels": ids.masked_fill(mask == 0, -100)}


class SmoothedLMTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits[:, :-1, :]  # position t predicts token t + 1
        labels = labels[:, 1:]
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1),
                               ignore_index=-100, label_smoothing=0.1)
        return (loss, outputs) if return_outputs else loss


model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=16, n_embd=32, n_layer=2, n_head=2))
lines = ["the quick brown fox", "jumps over the lazy dog", "hello world", "tiny models train fast"]
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=2, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
SmoothedLMTrainer(model=model, args=args, train_dataset=LinesDataset(lines)).train()
print("done")
