import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (RobertaConfig, RobertaForTokenClassification,
                          Trainer, TrainingArguments)

LINES = [
    "2 cups flour", "1 tsp salt", "3 large eggs", "half cup sugar", "200 g butter",
    "1 pinch nutmeg", "4 cloves garlic minced", "2 tbsp olive oil", "1 can chickpeas drained",
    "3 cups chicken stock", "1 tbsp honey", "250 ml milk", "2 ripe bananas mashed",
    "1 cup rolled oats", "half tsp baking soda", "6 leaves basil torn", "1 lemon zested",
    "100 g dark chocolate chopped", "2 sprigs thyme", "1 kg potatoes peeled",
]
QTY = {"1", "2", "3", "4", "6", "100", "200", "250", "half"}
UNIT = {"cups", "cup", "tsp", "tbsp", "g", "ml", "kg", "pinch", "can", "cloves", "leaves", "sprigs"}
PREP = {"minced", "drained", "mashed", "torn", "zested", "chopped", "peeled", "large", "ripe", "rolled"}
TAGS = ["O", "QTY", "UNIT", "ING", "PREP"]


def tag_word(w):
    if w in QTY:
        return "QTY"
    if w in UNIT:
        return "UNIT"
    if w in PREP:
        return "PREP"
    return "ING"


vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
for line in LINES:
    for w in line.split():
        vocab.setdefault(w, len(vocab))

records = []
for line in LINES:
    words = line.split()
    records.append({
        "ids": [0] + [vocab[w] for w in words] + [2],
        "tags": [-100] + [TAGS.index(tag_word(w)) for w in words] + [-100],
    })


@dataclass
class PadCollator:
    pad_id: int = 1

    def __call__(self, feats):
        width = max(len(f["ids"]) for f in feats)
        toks = torch.full((len(feats), width), self.pad_id)
        tgts = torch.full((len(feats), width), -100)
        for row, f in enumerate(feats):
            toks[row, : len(f["ids"])] = torch.tensor(f["ids"])
            tgts[row, : len(f["tags"])] = torch.tensor(f["tags"])
        return {"input_ids": toks, "attention_mask": (toks != self.pad_id).long(), "tags": tgts}


class WeightedTagTrainer(Trainer):
    def __init__(self, *args, tag_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag_weights = tag_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("tags")
        out = model(**inputs)
        loss = F.cross_entropy(out.logits.transpose(1, 2), gold, weight=self.tag_weights, ignore_index=-100)
        return (loss, out) if return_outputs else loss


def tag_frequencies():
    counts = torch.zeros(len(TAGS))
    for r in records:
        for t in r["tags"]:
            if t >= 0:
                counts[t] += 1
    return (counts.sum() / (counts + 1.0)).clamp(max=10.0)


config = RobertaConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                       intermediate_size=64, max_position_embeddings=40, num_labels=len(TAGS),
                       pad_token_id=1, bos_token_id=0, eos_token_id=2)
model = RobertaForTokenClassification(config)

with tempfile.TemporaryDirectory() as tmp:
    args = TrainingArguments(output_dir=tmp, num_train_epochs=3, per_device_train_batch_size=4,
                             learning_rate=1e-3, logging_steps=5, remove_unused_columns=False,
                             disable_tqdm=True, report_to=[], use_cpu=True, save_strategy="no")
    trainer = WeightedTagTrainer(model=model, args=args, train_dataset=records,
                                 data_collator=PadCollator(), tag_weights=tag_frequencies())
    trainer.train()

model.eval()
probe = torch.tensor([[0, vocab["2"], vocab["cups"], vocab["flour"], 2]])
with torch.no_grad():
    pred = model(input_ids=probe).logits.argmax(-1)[0, 1:-1]
print([TAGS[i] for i in pred.tolist()])
