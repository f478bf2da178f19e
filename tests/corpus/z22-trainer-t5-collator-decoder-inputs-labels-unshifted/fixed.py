"""Ticket summarisation with a small T5 trained by transformers.Trainer and a seq2seq collator class."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration, Trainer, TrainingArguments

torch.manual_seed(0)

tickets = [
    {"document": "the printer on floor two jams every morning", "summary": "printer jams"},
    {"document": "i cannot log in to the vpn from home since monday", "summary": "vpn login fails"},
    {"document": "my laptop battery drains in one hour", "summary": "battery drains"},
    {"document": "the shared drive is very slow for the whole team", "summary": "shared drive slow"},
    {"document": "outlook crashes when i open a calendar invite", "summary": "outlook crashes"},
    {"document": "please reset my password it expired today", "summary": "password reset"},
]

words = sorted({w for t in tickets for w in (t["document"] + " " + t["summary"]).split()})
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "spm_words.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "summarize", ":"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "spm_words.txt"))


class Seq2SeqCollator:
    """Tokenizes sources and targets per batch; the decoder is fed the target without its last token."""

    def __init__(self, tokenizer, max_source_length=32, max_target_length=8, prefix="summarize: "):
        self.tokenizer = tokenizer
        self.max_source_length = max_source_length
        self.max_target_length = max_target_length
        self.prefix = prefix

    def __call__(self, features):
        sources = [self.prefix + f["document"] for f in features]
        model_inputs = self.tokenizer(sources, max_length=self.max_source_length, padding=True,
                                      truncation=True, return_tensors="pt")
        targets = self.tokenizer([f["summary"] for f in features], max_length=self.max_target_length,
                                 padding=True, truncation=True, return_tensors="pt")["input_ids"]
        model_inputs["decoder_input_ids"] = targets[:, :-1]
        labels = targets[:, 1:].clone()
        labels[labels == self.tokenizer.pad_token_id] = -100
        model_inputs["labels"] = labels
        return model_inputs


config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, d_ff=64, num_layers=1, num_heads=2,
                  pad_token_id=tokenizer.pad_token_id, decoder_start_token_id=tokenizer.cls_token_id)
model = T5ForConditionalGeneration(config)

args = TrainingArguments(output_dir=os.path.join(tmp, "t5-tickets"), per_device_train_batch_size=3,
                         num_train_epochs=2, learning_rate=1e-3, save_strategy="no", report_to="none",
                         use_cpu=True, disable_tqdm=True, remove_unused_columns=False)
trainer = Trainer(model=model, args=args, train_dataset=tickets, data_collator=Seq2SeqCollator(tokenizer))
trainer.train()
