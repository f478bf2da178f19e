"""Railway signalling fault-report triage: tiny BERT + embedding-space mixup, trained with HF Trainer."""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

MODELS, HEADS, COLLATORS = {}, {}, {}


def register_model(name):
    def wrap(fn):
        MODELS[name] = fn
        return fn
    return wrap


def register_collator(name):
    def wrap(fn):
        COLLATORS[name] = fn
        return fn
    return wrap


CFG = {
    "model": {"type": "tiny_bert_cls", "args": {"hidden": 32, "layers": 1, "heads": 2, "n_classes": 4}},
    "collator": {"type": "dynamic_pad", "args": {"max_length": 40}},
    "mixup": {"alpha": 0.4},
    "data": {"batch_size": 4},
}

FAULT_CLASSES = ["track_circuit", "point_machine", "power_supply", "signal_lamp"]
REPORTS = [
    ("track circuit showing occupied with no train in section after heavy rain", 0),
    ("points failed to detect in reverse position at the north junction", 1),
    ("loss of supply at the relocatable equipment building feeder tripped", 2),
    ("red aspect lamp proven out on the approach signal", 3),
    ("bobbing track circuit intermittent drop near the level crossing", 0),
    ("point motor stalling with ice on the slide chairs", 1),
    ("battery charger alarm and ups on bypass at the signal box", 2),
    ("yellow aspect dim driver reported signal not clearly visible", 3),
    ("insulated block joint failure causing false occupancy", 0),
    ("points out of correspondence after tamping work overnight", 1),
]


def write_vocab():
    words = sorted({w for text, _ in REPORTS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return path


def build(registry, spec, **extra):
    return registry[spec["type"]](**spec["args"], **extra)


@register_model("tiny_bert_cls")
def tiny_bert_cls(vocab_size, hidden=32, layers=1, heads=2, n_classes=4):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                     num_attention_heads=heads, intermediate_size=2 * hidden,
                     max_position_embeddings=64, num_labels=n_classes)
    return BertForSequenceClassification(cfg)


@register_collator("dynamic_pad")
def dynamic_pad(tokenizer, max_length=40):
    def collate(examples):
        enc = tokenizer([e["text"] for e in examples], padding=True, truncation=True,
                        max_length=max_length, return_tensors="pt")
        enc["labels"] = torch.tensor([e["label"] for e in examples])
        return dict(enc)
    return collate


class EmbeddingMixup:
    """Mixes word embeddings of each example with a shuffled partner from the batch."""

    def __init__(self, alpha, batch_size, n_classes):
        self.beta = torch.distributions.Beta(alpha, alpha)
        self.n_classes = n_classes
        self.partner = torch.randperm(batch_size)
        self.lam = 1.0

    def mix_inputs(self, emb, attn):
        self.lam = float(self.beta.sample())
        self.partner = torch.randperm(emb.size(0), device=emb.device)
        mixed = self.lam * emb + (1.0 - self.lam) * emb[self.partner]
        return mixed, torch.maximum(attn, attn[self.partner])

    def mix_targets(self, y):
        onehot = F.one_hot(y, self.n_classes).float()
        return self.lam * onehot + (1.0 - self.lam) * onehot[self.partner]


class MixupTrainer(Trainer):
    def __init__(self, *args, mixer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mixer = mixer

    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        y = inputs.pop("labels")
        soft = self.mixer.mix_targets(y)
        emb = model.bert.embeddings.word_embeddings(inputs["input_ids"])
        mixed, attn = self.mixer.mix_inputs(emb, inputs["attention_mask"])
        out = model(inputs_embeds=mixed, attention_mask=attn)
        loss = -(soft * F.log_softmax(out.logits, dim=-1)).sum(-1).mean()
        return (loss, out) if return_outputs else loss


def main():
    set_seed(11)
    tok = BertTokenizer(write_vocab())
    model = build(MODELS, CFG["model"], vocab_size=tok.vocab_size)
    collate = build(COLLATORS, CFG["collator"], tokenizer=tok)
    train = [{"text": t, "label": y} for t, y in REPORTS]
    mixer = EmbeddingMixup(CFG["mixup"]["alpha"], CFG["data"]["batch_size"],
                           CFG["model"]["args"]["n_classes"])

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), per_device_train_batch_size=CFG["data"]["batch_size"],
        num_train_epochs=1, learning_rate=5e-4, logging_steps=1, save_strategy="no",
        remove_unused_columns=False, disable_tqdm=True, report_to=[], use_cpu=True,
    )
    trainer = MixupTrainer(model=model, args=args, train_dataset=train, data_collator=collate, mixer=mixer)
    print(f"training on {len(train)} fault reports, classes={FAULT_CLASSES}")
    result = trainer.train()
    print("final loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
