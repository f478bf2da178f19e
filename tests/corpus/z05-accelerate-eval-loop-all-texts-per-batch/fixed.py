"""Evaluate a tiny BERT sentiment model with Accelerate and write a per-review prediction report."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "great", "bad", "movie", "plot", "acting", "was", "boring",
         "loved", "it", "the", "awful", "fine", "not"]
LABELS = ["negative", "positive"]
EVAL_BATCH_SIZE = 4

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))

eval_texts = ["great movie", "the plot was boring", "loved it", "awful acting", "the acting was fine",
              "not great", "bad movie", "loved the plot", "boring", "it was not bad"]


def collate(texts):
    return tokenizer(texts, padding=True, truncation=True, max_length=16, return_tensors="pt")


accelerator = Accelerator(cpu=True)
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=37,
                                                 max_position_embeddings=32, num_labels=len(LABELS)))
eval_loader = DataLoader(eval_texts, batch_size=EVAL_BATCH_SIZE, collate_fn=collate)
model, eval_loader = accelerator.prepare(model, eval_loader)

model.eval()
report = []
for step, batch in enumerate(eval_loader):
    with torch.no_grad():
        logits = model(**batch).logits
    preds = accelerator.gather_for_metrics(logits.argmax(dim=-1))
    batch_texts = eval_texts[step * EVAL_BATCH_SIZE:(step + 1) * EVAL_BATCH_SIZE]
    for i, text in enumerate(batch_texts):
        report.append(f"{text}\t{LABELS[preds[i]]}")
accelerator.print("\n".join(report))
