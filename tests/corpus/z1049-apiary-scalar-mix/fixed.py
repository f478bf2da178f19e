"""Colony-health triage from beekeepers' inspection notes.

Pools every encoder layer with a learned softmax-weighted mix (ELMo style) instead of using only the last one.
"""
import os
import random
import tempfile

import torch
from torch import nn
from transformers import (BertConfig, BertModel, BertTokenizer, DataCollatorWithPadding, Trainer,
                          TrainingArguments)

SEED = int(os.environ.get("APIARY_SEED", "7"))
N_LAYERS = int(os.environ.get("APIARY_LAYERS", "2"))
HIDDEN = int(os.environ.get("APIARY_HIDDEN", "32"))
EPOCHS = float(os.environ.get("APIARY_EPOCHS", "1"))
BATCH = int(os.environ.get("APIARY_BATCH", "4"))
OUT_DIR = os.environ.get("APIARY_OUT", tempfile.mkdtemp(prefix="apiary_run_"))

STATUS = ["thriving", "queenless", "diseased"]
NOTES = [
    ("brood pattern solid capped stores heavy calm bees", "thriving"),
    ("eggs in every cell laying well drawing foundation", "thriving"),
    ("no eggs no young larvae roaring colony emergency cells", "queenless"),
    ("laying workers multiple eggs per cell drone brood", "queenless"),
    ("sunken perforated cappings ropey larvae foul smell", "diseased"),
    ("deformed wings crawling bees high mite drop", "diseased"),
    ("strong colony supers filling queen seen", "thriving"),
    ("queen cells torn down no brood defensive bees", "queenless"),
    ("chalky mummified larvae on landing board", "diseased"),
    ("good temper pollen coming in brood on six frames", "thriving"),
]


def write_vocab(rows):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t, _ in rows for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class ScalarMix(nn.Module):
    def __init__(self, n_reps):
        super().__init__()
        self.scores = nn.Parameter(torch.zeros(n_reps))
        self.gamma = nn.Parameter(torch.ones(()))

    def forward(self, reps):
        stacked = torch.stack(reps, dim=0)                      # (n_reps, batch, seq, hidden)
        w = torch.softmax(self.scores, dim=0).view(-1, 1, 1, 1)
        return self.gamma * (w * stacked).sum(dim=0)


class MixedLayerClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, **bert_kwargs):
        super().__init__()
        self.config = BertConfig(vocab_size=vocab_size, hidden_size=HIDDEN, num_hidden_layers=N_LAYERS,
                                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                                 **bert_kwargs)
        self.bert = BertModel(self.config)
        self.mix = ScalarMix(self.config.num_hidden_layers + 1)
        self.head = nn.Linear(self.config.hidden_size, n_classes)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                        output_hidden_states=True)
        mixed = self.mix(out.hidden_states)
        keep = attention_mask.unsqueeze(-1).to(mixed.dtype)
        pooled = (mixed * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        logits = self.head(pooled)
        result = {"logits": logits}
        if labels is not None:
            result["loss"] = self.loss_fn(logits, labels)
        return result


class NotesDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, **encode_kwargs):
        self.items = []
        for text, status in rows:
            enc = tokenizer(text, **encode_kwargs)
            enc["labels"] = STATUS.index(status)
            self.items.append(dict(enc))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def main(**model_kwargs):
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = BertTokenizer(write_vocab(NOTES))
    ds = NotesDataset(NOTES, tok, truncation=True, max_length=int(os.environ.get("APIARY_MAX_LEN", "32")))
    model = MixedLayerClassifier(tok.vocab_size, len(STATUS), **model_kwargs)
    args = TrainingArguments(output_dir=OUT_DIR, num_train_epochs=EPOCHS, per_device_train_batch_size=BATCH,
                             learning_rate=float(os.environ.get("APIARY_LR", "5e-4")), report_to=[],
                             save_strategy="no", logging_steps=1, use_cpu=True, seed=SEED)
    trainer = Trainer(model=model, args=args, train_dataset=ds, data_collator=DataCollatorWithPadding(tok))
    stats = trainer.train()
    print("train loss", round(stats.training_loss, 4))
    print("layer weights", torch.softmax(model.mix.scores, 0).tolist())


if __name__ == "__main__":
    main(hidden_dropout_prob=float(os.environ.get("APIARY_DROPOUT", "0.1")))
