"""Paraphrase detection for FAQ deduplication: tiny BERT pair classifier, class-weighted Trainer, evaluation only."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from torch import nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast, Trainer, TrainingArguments

torch.manual_seed(0)
RUN_DIR = tempfile.mkdtemp()

DEV_PAIRS = [
    ("how do i reset my password", "i forgot my password what now", 1),
    ("where can i download invoices", "how do i change my email", 0),
    ("can i pay with paypal", "is paypal accepted as a payment method at checkout", 1),
    ("delete my account", "how do i close my account permanently", 1),
    ("what are your opening hours", "do you ship abroad", 0),
    ("is there a student discount", "do students get a cheaper plan", 1),
]
POSITIVE_WEIGHT = 3.0  # duplicates are rare in the full FAQ


def make_tokenizer(pairs):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
    vocab_file = os.path.join(RUN_DIR, "vocab.txt")
    with open(vocab_file, "w") as out:
        out.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(vocab_file)


def encode_pairs(tokenizer, pairs, max_len=48):
    """One feature dict per question pair; batches are padded later."""
    rows = []
    for first, second, is_dup in pairs:
        enc = tokenizer(first, second, truncation=True, max_length=max_len)
        rows.append({**enc, "labels": is_dup})
    return rows


class WeightedPairTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        weight = torch.tensor([1.0, POSITIVE_WEIGHT], device=outputs.logits.device)
        loss = nn.functional.cross_entropy(outputs.logits, labels, weight=weight)
        return (loss, outputs) if return_outputs else loss


tokenizer = make_tokenizer(DEV_PAIRS)
dev_features = encode_pairs(tokenizer, DEV_PAIRS)
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=64, num_labels=2))

args = TrainingArguments(output_dir=os.path.join(RUN_DIR, "eval"), per_device_eval_batch_size=3, report_to="none",
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = WeightedPairTrainer(model=model, args=args, eval_dataset=dev_features)
metrics = trainer.evaluate()
print(f"dev loss {metrics['eval_loss']:.4f}")
