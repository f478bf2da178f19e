"""Keyphrase tagging (O / B-KP / I-KP) over full-length research papers.

The paper is tokenized into overlapping windows; for stitching, each window only
keeps its central part (half of the overlap is dropped on each side, together
with [CLS]/[SEP]), so every token of the paper is predicted by exactly one window."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(3)

TAGS = ["O", "B-KP", "I-KP"]
SCI_WORDS = """we propose a novel graph neural network for molecular property prediction the model uses
message passing with attention over bonds and atoms experiments on benchmark datasets show improved
accuracy compared to baselines our method learns representations from unlabeled molecules via
contrastive pretraining ablation study confirms that each component contributes results are
reported as mean and standard deviation over five random seeds in this paper section related work
transformer architectures self supervised learning drug discovery of on to is are with by"""

PAPER = (
    "in this paper we propose a novel graph neural network for molecular property prediction . "
    "the model uses message passing with attention over bonds and atoms . "
    "our method learns representations from unlabeled molecules via contrastive pretraining . "
    "related work on transformer architectures and self supervised learning for drug discovery is reviewed . "
    "experiments on benchmark datasets show improved accuracy compared to baselines . "
    "ablation study confirms that each component contributes . "
    "results are reported as mean and standard deviation over five random seeds . "
) * 3


def write_vocab(folder):
    words = sorted(set(SCI_WORDS.split() + [".", ",", "reviewed"]))
    path = os.path.join(folder, "sci_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def window_paper(tokenizer, text, window_len, overlap):
    return tokenizer(text, max_length=window_len, stride=overlap, truncation=True, padding="max_length",
                     return_overflowing_tokens=True, return_offsets_mapping=True, return_tensors="pt")


def stitch_windows(tag_logits, offsets, overlap):
    """Keep the core of each window and flatten back to one sequence for the paper."""
    half = overlap // 2
    core_logits = tag_logits[:, 1 + half:-1 - half, :]
    core_offsets = offsets[:, 1 + half:-1 - half, :]
    flat_logits = core_logits.reshape(-1, tag_logits.size(-1))
    flat_offsets = core_offsets.reshape(-1, 2)
    real = flat_offsets[:, 1] > 0
    return flat_logits[real], flat_offsets[real]


def spans_from_tags(tag_ids, char_offsets, text):
    phrases, current = [], None
    for tag, (lo, hi) in zip(tag_ids.tolist(), char_offsets.tolist()):
        name = TAGS[tag]
        if name == "B-KP" or (name == "I-KP" and current is None):
            if current:
                phrases.append(current)
            current = [lo, hi]
        elif name == "I-KP":
            current[1] = hi
        else:
            if current:
                phrases.append(current)
            current = None
    if current:
        phrases.append(current)
    return [text[lo:hi] for lo, hi in phrases]


def main():
    folder = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(folder))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(TAGS))
    tagger = BertForTokenClassification(cfg).eval()

    window_len, overlap = 40, 8
    windows = window_paper(tokenizer, PAPER, window_len, overlap)
    offsets = windows.pop("offset_mapping")
    windows.pop("overflow_to_sample_mapping")
    print(f"paper: {len(PAPER)} chars -> {windows['input_ids'].size(0)} windows of {window_len} tokens")

    with torch.no_grad():
        tag_logits = tagger(**windows).logits

    token_logits, token_offsets = stitch_windows(tag_logits, offsets, overlap)
    tag_ids = token_logits.argmax(-1)
    confidence = token_logits.softmax(-1).max(-1).values
    print(f"stitched {tag_ids.numel()} tokens, mean confidence {confidence.mean():.3f}")

    keyphrases = spans_from_tags(tag_ids, token_offsets, PAPER)
    counts = {}
    for kp in keyphrases:
        counts[kp] = counts.get(kp, 0) + 1
    for kp, n in sorted(counts.items(), key=lambda kv: -kv[1])[:10]:
        print(f"{n:3d}  {kp}")


if __name__ == "__main__":
    main()
